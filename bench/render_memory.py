"""The peak memory of PDF render processes, as they report it when they finish.

getrusage(RUSAGE_CHILDREN) cannot tell it: a child started with vfork counts the parent's
pages until its exec, and WeasyPrint's import runs gcc and ldconfig as children too. So each
render process reads its own high-water mark and the parent logs it (documents/parallel.py).
"""

import logging


class RenderPeaks(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.peaks: list[int] = []
        self._per_render: dict[str, int] = {}

    def emit(self, record):
        if hasattr(record, "peak_mb"):
            self.peaks.append(record.peak_mb)
            render = getattr(record, "render_dir", "")
            self._per_render[render] = self._per_render.get(render, 0) + 1

    def at_once(self) -> int:
        """The most render processes alive together: those of one render. A document made of
        several renders (the laporan) starts them one after another, so their peaks do not add
        up."""
        return max(self._per_render.values(), default=0)


def watch() -> RenderPeaks:
    handler = RenderPeaks()
    logger = logging.getLogger("coordination.documents.parallel")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return handler
