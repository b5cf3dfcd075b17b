# C types for the compiled build of porter.py (an augmenting .pxd: the .py stays the implementation).
import cython

cdef dict _IRREGULAR, _STEP2, _STEP3, _STEP4


cdef class _Rule:
    cdef readonly str suffix
    cdef readonly str replacement
    cdef readonly Py_ssize_t size
    cdef readonly Py_ssize_t counted
    cdef readonly str after


@cython.locals(char=Py_UCS4, first=Py_ssize_t, starts_consonant=bint)
cdef bint _consonant(str word, Py_ssize_t i)

@cython.locals(m=Py_ssize_t, i=Py_ssize_t, char=Py_UCS4, vowel=bint, vowel_before=bint)
cdef Py_ssize_t _measure(str word, Py_ssize_t n)

@cython.locals(i=Py_ssize_t, char=Py_UCS4)
cdef bint _has_vowel(str word, Py_ssize_t n)

cdef bint _ends_cvc(str word, Py_ssize_t n)

@cython.locals(n=Py_ssize_t)
cdef str _step1a(str word)

@cython.locals(n=Py_ssize_t, last=Py_UCS4)
cdef str _step1b(str word)

@cython.locals(n=Py_ssize_t)
cdef str _step1c(str word)

@cython.locals(n=Py_ssize_t)
cdef str _step2(str word)

@cython.locals(n=Py_ssize_t, group=tuple, rule=_Rule, end=Py_ssize_t)
cdef str _apply(str word, dict rules, Py_ssize_t least)

@cython.locals(n=Py_ssize_t, m=Py_ssize_t)
cdef str _step5(str word)
