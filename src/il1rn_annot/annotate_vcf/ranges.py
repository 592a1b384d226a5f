"""Where the window of a joint VCF is cut for the reading processes (`annotate_vcf.scan`).

`position_ranges` balances htslib's index queries (a range starting inside a 16 kb index window
re-reads that window); `text_position_ranges` cuts for the text read, which starts near a
range's first record, and gives this process the larger first share. Moved out of scan.py
unchanged.
"""

from __future__ import annotations

__all__ = ["INDEX_WINDOW", "SKIP_COST", "TEXT_FIRST_WEIGHT", "position_ranges", "text_position_ranges"]

INDEX_WINDOW = 1 << 14  # tabix's linear index: the first record of each 16 kb window
SKIP_COST = 0.2  # cost of a record an index query reads past, per record tallied (measured at 10,000 samples)


def position_ranges(
    window: tuple[int, int], k: int, skip_cost: float = SKIP_COST
) -> list[tuple[int | None, int | None]]:
    """Cut `window` into `k` ranges of record start positions covering every record that overlaps it.

    The first range is open to the left (deletions that start upstream and reach in), the
    last to the right. An index query for a range that starts inside a 16 kb window of the
    tabix linear index reads (decompresses, without parsing the genotypes) every record
    from that window's start: for the GRCh38 window one 16 kb index window covers 80% of
    it, so a second range starting half-way reads the first half again (~10% of its time
    at 10,000 samples). The cuts balance that: each range costs its width plus `skip_cost`
    times the stretch it passes over, assuming variants evenly dense across ~20 kb (0.2:
    with it the two ranges of the 10,000-sample benchmark took 1.01 and 0.99 s; halves
    took 0.97 and 1.09 s).
    """
    start, end = window
    if k <= 1:
        return [(None, None)]

    def passed_over(low: int) -> int:
        return low - max(start, low // INDEX_WINDOW * INDEX_WINDOW)

    def cuts_within(budget: float) -> list[int] | None:
        cuts: list[int] = []
        low = start
        for _ in range(k - 1):
            high = low - 1 + int(budget - skip_cost * passed_over(low))
            if high < low:
                return None
            if high >= end:
                return cuts
            cuts.append(high + 1)
            low = high + 1
        return cuts if end - low + 1 + skip_cost * passed_over(low) <= budget else None

    lo, hi = (end - start + 1) / k, float(end - start + 1)  # the most any range can cost
    for _ in range(40):  # bisect the largest range cost that k ranges can keep to
        mid = (lo + hi) / 2
        if cuts_within(mid) is None:
            lo = mid
        else:
            hi = mid
    cuts = cuts_within(hi) or []  # fewer than k - 1 only for a window narrower than k positions
    lows: list[int | None] = [None, *cuts]
    highs: list[int | None] = [c - 1 for c in cuts] + [None]
    return list(zip(lows, highs, strict=True))  # k - 1 cuts: one more low and high each


#: the share of the window the text read of this process takes, against 1 for each forked
#: child: a child's range also pays the fork and its result's trip through a pipe (~20 ms at
#: 2,504 samples), and IL1RN's exons, whose alleles cost most to annotate, lie in the later
#: half. Measured on the two joint benchmark files (reading time of the first / second range):
#: halves 159 / 177 ms (2,504 samples) and 450 / 423 ms (10,000); 0.6 of the window first:
#: 171 / 137 and 406 / 383 ms. Since then the child's result is pickled in ~10 ms and waited
#: for by the parent in ~12 (read, unpickle, reap): at 0.6 (weight 1.5) the child was done
#: ~50 ms before this process, at 0.52 (1.1) ~13 ms after it; 1.3 (0.57) ends both together.
TEXT_FIRST_WEIGHT = 1.3


def text_position_ranges(window: tuple[int, int], k: int) -> list[tuple[int | None, int | None]]:
    """`k` ranges for the text read: the first (read in this process) `TEXT_FIRST_WEIGHT` times
    as wide as each other one; a later range starts reading near its first record
    (`vcf.bgzf_seek`), so there is no index window to balance as `position_ranges` does."""
    if k <= 1:
        return [(None, None)]
    start, end = window
    width = (end - start + 1) / (TEXT_FIRST_WEIGHT + k - 1)
    cuts = sorted({start + int(width * (TEXT_FIRST_WEIGHT + j)) for j in range(k - 1)})
    cuts = [c for c in cuts if start < c <= end]
    lows: list[int | None] = [None, *cuts]
    highs: list[int | None] = [c - 1 for c in cuts] + [None]
    return list(zip(lows, highs, strict=True))
