// OpenBLAS's CBLAS interface plus the few OpenBLAS extensions `electra doctor` reports.
#ifndef ELECTRA_COPENBLAS_SHIM_H
#define ELECTRA_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
