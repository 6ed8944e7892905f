"""Errors shared by the read side and the command lines, in a module that imports nothing heavy."""


class DataDamagedError(RuntimeError):
    """A damaged part of the data dir a command cannot work around; the message names it and its repair.
    Kept apart from its raiser so a fast command can catch it without importing chromadb."""
