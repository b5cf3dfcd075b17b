# C types for the compiled build of fast_vader.py (the .py stays the implementation; see its docstring).
# The valence arithmetic in C doubles is Python's float arithmetic, operation for operation (setup.py turns off
# floating-point contraction, so no fused multiply-add changes a rounding).
import cython

cdef str _PUNCTUATION
cdef frozenset _PUNC_LIST, _NEGATE, _IDIOM_WORDS
cdef dict _BOOSTERS, _IDIOMS
cdef int _UPPER, _LEXICAL, _IDIOMATIC, _BUT, _BUT_UPPER
cdef double _B_DECR, _C_INCR, _N_SCALAR, _ALPHA


cdef class _Word:
    cdef readonly str word
    cdef readonly str lower
    cdef readonly double valence
    cdef readonly double booster
    cdef readonly bint negated
    cdef readonly int flags


@cython.locals(word=str, lower=str, info=_Word)
cdef object _learn(dict memo, object lexicon, str token)

@cython.locals(word=str)
cdef str _strip(str token)

@cython.locals(char=Py_UCS4)
cdef bint _plain(str word)

@cython.locals(word=_Word, item=_Word, words=list, lexical=list, scores=list, where=list, first=dict,
               n=Py_ssize_t, n_upper=Py_ssize_t, but_at=Py_ssize_t, but_upper_at=Py_ssize_t, flags=int,
               i=Py_ssize_t, cap_diff=bint)
cdef tuple _polarity(dict memo, object lexicon, str text)

@cython.locals(item=_Word, before=_Word, valence=double, s=double, start_i=int)
cdef double _valence(list words, Py_ssize_t i, Py_ssize_t n, bint cap_diff)

@cython.locals(scalar=double)
cdef double _scalar_inc_dec(_Word word, double valence, bint cap_diff)

@cython.locals(w1=str, w2=str)
cdef double _never_check(double valence, list words, int start_i, Py_ssize_t i)

cdef double _idioms_check(double valence, list words, Py_ssize_t i, Py_ssize_t n)

@cython.locals(before=_Word, two_before=str)
cdef double _least_check(double valence, list words, Py_ssize_t i)

@cython.locals(k=Py_ssize_t, j=Py_ssize_t, si=Py_ssize_t)
cdef void _but_check(list scores, list where, Py_ssize_t bi)

@cython.locals(sum_s=double, ep=double, qm=double, qm_count=Py_ssize_t, amplifier=double, pos_sum=double,
               neg_sum=double, s=double, neu_count=Py_ssize_t, total=double, compound=double)
cdef tuple _score(list scores, Py_ssize_t n, str text)


@cython.locals(out=list)
cdef list _polarity_many(dict memo, object lexicon, object texts)

@cython.locals(norm_score=double)
cdef double _normalize(double score)

@cython.locals(y=double, k=double, fraction=double)
cpdef double _round(double x, int digits)
