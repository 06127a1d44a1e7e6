"""A warming task recounts cached figures whatever is cached (config.counts.refreshing)."""

from config.counts import cached_figure, refreshing


def test_within_refreshing_a_figure_is_counted_afresh_and_kept(officer):
    counted = []

    def compute():
        counted.append(1)
        return len(counted)

    assert cached_figure("dashboard", "test", officer, compute) == 1
    assert cached_figure("dashboard", "test", officer, compute) == 1  # from the cache
    with refreshing():
        assert cached_figure("dashboard", "test", officer, compute) == 2
    assert cached_figure("dashboard", "test", officer, compute) == 2  # the fresh one, kept
    assert len(counted) == 2
