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

    def emit(self, record):
        if hasattr(record, "peak_mb"):
            self.peaks.append(record.peak_mb)


def watch() -> RenderPeaks:
    handler = RenderPeaks()
    logger = logging.getLogger("coordination.documents.parallel")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return handler
