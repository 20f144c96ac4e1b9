// Open MPI opened with dlopen: the functions and handles `electra_mpi.h` wraps.

#include "electra_mpi.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Open MPI's types, as its mpi.h declares them: every handle is a pointer to an object.
typedef void *mpi_handle;
typedef void (*mpi_user_function)(void *in, void *inout, int *count, mpi_handle *datatype);

enum { MPI_THREAD_FUNNELED_ = 1, MPI_SUCCESS_ = 0, MPI_MAX_LIBRARY_VERSION_STRING_ = 256 };
#define MPI_IN_PLACE_ ((void *)1)   // Open MPI: #define MPI_IN_PLACE ((void *) 1)

static int (*p_MPI_Init_thread)(int *, char ***, int, int *);
static int (*p_MPI_Initialized)(int *);
static int (*p_MPI_Comm_rank)(mpi_handle, int *);
static int (*p_MPI_Comm_size)(mpi_handle, int *);
static int (*p_MPI_Allreduce)(const void *, void *, int, mpi_handle, mpi_handle, mpi_handle);
static int (*p_MPI_Bcast)(void *, int, mpi_handle, int, mpi_handle);
static int (*p_MPI_Barrier)(mpi_handle);
static int (*p_MPI_Abort)(mpi_handle, int);
static int (*p_MPI_Finalize)(void);
static int (*p_MPI_Get_library_version)(char *, int *);
static int (*p_MPI_Op_create)(mpi_user_function, int, mpi_handle *);
static double (*p_MPI_Wtime)(void);

static mpi_handle comm_world, type_float, type_double, type_byte, type_uint16, op_sum;
static mpi_handle op_bf16_sum;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
static char load_message[512] = "";

static void copy_text(char *out, long capacity, const char *text) {
    if (!out || capacity <= 0) return;
    snprintf(out, (size_t)capacity, "%s", text);
}

static void load_library(void) {
    // RTLD_GLOBAL: Open MPI's own plugins (mca_*.so), opened later by libmpi, resolve its symbols.
    // ELECTRA_MPI_LIBRARY names another build of Open MPI's libmpi (e.g. /opt/openmpi/lib/libmpi.so.40).
    const char *name = getenv("ELECTRA_MPI_LIBRARY");
    if (!name || !*name) name = "libmpi.so.40";
    void *library = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(load_message, sizeof load_message,
                 "Open MPI (%s) cannot be opened: install it with `apt-get install openmpi-bin` (Debian)", name);
        return;
    }
#define RESOLVE(name, symbol)                                                                      \
    *(void **)(&name) = dlsym(library, symbol);                                                    \
    if (!name) {                                                                                   \
        snprintf(load_message, sizeof load_message,                                                \
                 "libmpi.so.40 lacks %s: it is not Open MPI 3 or later (install openmpi-bin)", symbol); \
        return;                                                                                    \
    }
    RESOLVE(p_MPI_Init_thread, "MPI_Init_thread")
    RESOLVE(p_MPI_Initialized, "MPI_Initialized")
    RESOLVE(p_MPI_Comm_rank, "MPI_Comm_rank")
    RESOLVE(p_MPI_Comm_size, "MPI_Comm_size")
    RESOLVE(p_MPI_Allreduce, "MPI_Allreduce")
    RESOLVE(p_MPI_Bcast, "MPI_Bcast")
    RESOLVE(p_MPI_Barrier, "MPI_Barrier")
    RESOLVE(p_MPI_Abort, "MPI_Abort")
    RESOLVE(p_MPI_Finalize, "MPI_Finalize")
    RESOLVE(p_MPI_Get_library_version, "MPI_Get_library_version")
    RESOLVE(p_MPI_Op_create, "MPI_Op_create")
    RESOLVE(p_MPI_Wtime, "MPI_Wtime")
    RESOLVE(comm_world, "ompi_mpi_comm_world")
    RESOLVE(type_float, "ompi_mpi_float")
    RESOLVE(type_double, "ompi_mpi_double")
    RESOLVE(type_byte, "ompi_mpi_byte")
    RESOLVE(type_uint16, "ompi_mpi_uint16_t")
    RESOLVE(op_sum, "ompi_mpi_op_sum")
#undef RESOLVE
    loaded = 1;
}

int electra_mpi_load(char *message, long capacity) {
    pthread_once(&load_once, load_library);
    if (!loaded) copy_text(message, capacity, load_message);
    return loaded;
}

void electra_mpi_library_version(char *out, long capacity) {
    char text[MPI_MAX_LIBRARY_VERSION_STRING_ + 1] = "";
    int length = 0;
    if (!electra_mpi_load(NULL, 0) || p_MPI_Get_library_version(text, &length) != MPI_SUCCESS_) {
        copy_text(out, capacity, "");
        return;
    }
    text[length < MPI_MAX_LIBRARY_VERSION_STRING_ ? length : MPI_MAX_LIBRARY_VERSION_STRING_] = 0;
    char *end = strpbrk(text, ",\n");   // "Open MPI v4.1.4, package: ..., Feb 18, 2023": its first clause
    if (end) *end = 0;
    copy_text(out, capacity, text);
}

static float bf16_to_float(unsigned short value) {
    unsigned int bits = (unsigned int)value << 16;
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

static unsigned short float_to_bf16(float value) {
    unsigned int bits;
    memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu)) return (unsigned short)((bits >> 16) | 0x40);
    bits += 0x7fffu + ((bits >> 16) & 1u);   // round to nearest, ties to even
    return (unsigned short)(bits >> 16);
}

static void bf16_sum(void *in, void *inout, int *count, mpi_handle *datatype) {
    (void)datatype;
    const unsigned short *a = in;
    unsigned short *b = inout;
    for (int i = 0; i < *count; i++) b[i] = float_to_bf16(bf16_to_float(a[i]) + bf16_to_float(b[i]));
}

int electra_mpi_init(int *rank, int *size) {
    if (!electra_mpi_load(NULL, 0)) return -1;
    int initialized = 0, provided = 0, status;
    p_MPI_Initialized(&initialized);
    if (!initialized && (status = p_MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED_, &provided)) != MPI_SUCCESS_)
        return status;
    if ((status = p_MPI_Comm_rank(comm_world, rank)) != MPI_SUCCESS_) return status;
    if ((status = p_MPI_Comm_size(comm_world, size)) != MPI_SUCCESS_) return status;
    if (!op_bf16_sum && (status = p_MPI_Op_create(bf16_sum, 1, &op_bf16_sum)) != MPI_SUCCESS_) return status;
    return MPI_SUCCESS_;
}

// MPI counts are ints: larger buffers go in pieces.
static int allreduce(void *values, long count, long element, mpi_handle type, mpi_handle op) {
    char *bytes = values;
    while (count > 0) {
        int piece = count > INT_MAX / 2 ? INT_MAX / 2 : (int)count;
        int status = p_MPI_Allreduce(MPI_IN_PLACE_, bytes, piece, type, op, comm_world);
        if (status != MPI_SUCCESS_) return status;
        bytes += (long)piece * element;
        count -= piece;
    }
    return MPI_SUCCESS_;
}

int electra_mpi_allreduce_sum_float(float *values, long count) {
    return allreduce(values, count, sizeof(float), type_float, op_sum);
}

int electra_mpi_allreduce_sum_double(double *values, long count) {
    return allreduce(values, count, sizeof(double), type_double, op_sum);
}

int electra_mpi_allreduce_sum_bf16(unsigned short *values, long count) {
    return allreduce(values, count, sizeof(unsigned short), type_uint16, op_bf16_sum);
}

int electra_mpi_broadcast(void *bytes, long count, int root) {
    char *pointer = bytes;
    while (count > 0) {
        int piece = count > INT_MAX / 2 ? INT_MAX / 2 : (int)count;
        int status = p_MPI_Bcast(pointer, piece, type_byte, root, comm_world);
        if (status != MPI_SUCCESS_) return status;
        pointer += piece;
        count -= piece;
    }
    return MPI_SUCCESS_;
}

int electra_mpi_barrier(void) { return p_MPI_Barrier(comm_world); }

void electra_mpi_abort(int code) {
    if (loaded) p_MPI_Abort(comm_world, code);
}

int electra_mpi_finalize(void) { return loaded ? p_MPI_Finalize() : MPI_SUCCESS_; }

double electra_mpi_time(void) { return loaded ? p_MPI_Wtime() : 0; }
