# C types for the compiled build of hate_kernel.py (an augmenting .pxd: the .py stays the implementation).
cimport cython

ctypedef unsigned long long u64
ctypedef long long i64

cdef u64 _HASH_MULT, _MASK64, _DEBRUIJN
cdef i64 _BIT_OF[64]

cdef i64 lowest_bit(u64 w)


@cython.locals(n=Py_ssize_t, absent=Py_ssize_t, d=Py_ssize_t, words=list, i=i64)
cpdef tuple word_ids(list texts, dict index, i64[::1] widx, i64[::1] lengths)


@cython.locals(one=u64, d=Py_ssize_t, w=Py_ssize_t, wi=i64, p=i64, n_tok=Py_ssize_t, i=Py_ssize_t,
               n=Py_ssize_t, n_occ=Py_ssize_t, key=i64, probe=i64, hashed=u64, slot=u64, f=i64, s=Py_ssize_t, sw=u64,
               word=i64, bw=u64, n_feat=Py_ssize_t, j=Py_ssize_t, row=i64, v=double, squares=double,
               norm=double)
cpdef void score_block(const int[::1] codes, const i64[::1] offsets, const i64[::1] widx,
                       const i64[::1] doc_starts, bint word_ngrams, int lo, int hi, i64 base,
                       const i64[::1] key_offsets, const i64[::1] table, int shift, u64 tmask,
                       const u64[::1] present, int present_shift, const double[::1] weights, bint has_idf,
                       const double[::1] logtab, bint sublinear, bint l2, double[::1] z, int[::1] cnt,
                       u64[::1] bits, u64[::1] summary, i64[::1] toks, i64[::1] fids, double[::1] vals)


@cython.locals(one=u64, n_codes=Py_ssize_t, n_chars=Py_ssize_t, pad=i64, k=Py_ssize_t, first=Py_ssize_t,
               piece=str, lw=Py_ssize_t, ch=Py_UCS4, c=Py_ssize_t, n=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t,
               key=i64, probe=i64, hashed=u64, slot=u64)
cpdef Py_ssize_t char_wb_codes(list words, const i64[::1] char_ids, int lo, int hi, i64 base,
                               const i64[::1] key_offsets, const i64[::1] table, int shift, u64 tmask,
                               const u64[::1] present, int present_shift, i64[::1] ids, i64[::1] codes,
                               i64[::1] lengths)


@cython.locals(i=Py_ssize_t, slot=u64)
cpdef void fill_table(const i64[::1] keys, const i64[::1] values, i64[::1] table_keys, i64[::1] table_values,
                      int shift, u64 mask)
