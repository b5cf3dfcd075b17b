# C types for the compiled build of brill.py (the .py stays the implementation).
cimport cython

cdef class RuleTables:
    cdef dict word_ids, tag_ids
    cdef tuple to_tag
    cdef int[::1] groups, single, table, pairs, to_id

    cpdef void run(self, list words, list tags, spans)

    @cython.locals(groups="int[::1]", single="int[::1]", table="int[::1]", pairs="int[::1]", i=Py_ssize_t,
                   at=Py_ssize_t, f=Py_ssize_t, k=Py_ssize_t, stop=Py_ssize_t, best=int, rank=int, v=int)
    cdef void _apply(self, list ids, list tags, Py_ssize_t start, Py_ssize_t end)
