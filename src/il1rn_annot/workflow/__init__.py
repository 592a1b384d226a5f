"""What the Snakemake workflow needs: the sample sheet, batches, report parts."""
