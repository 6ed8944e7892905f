"""The library's services: the one writer (Library), users and roles, the question log, the first-run seed."""
