# C types for the compiled build of brill.py (the .py stays the implementation).
cimport cython

@cython.locals(i=Py_ssize_t, at=Py_ssize_t, f=Py_ssize_t, k=Py_ssize_t, stop=Py_ssize_t, best=int, rank=int, v=int)
cpdef void apply_rules(list ids, list tags, Py_ssize_t start, Py_ssize_t end, const int[::1] groups,
                       const int[::1] single, const int[::1] table, const int[::1] pairs, const int[::1] to_id,
                       tuple to_tag)
