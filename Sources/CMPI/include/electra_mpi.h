// MPI (Open MPI, Debian's libopenmpi3) for data-parallel training, loaded at run time.
//
// The package never links MPI: `electra_mpi_load` opens libmpi.so.40 with dlopen and resolves the few
// functions and handles used, so the package builds, tests and runs on a machine without MPI. No MPI
// header is needed: Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are the addresses of
// its global objects (`ompi_mpi_comm_world`, ...), looked up with dlsym. Another MPI (MPICH's integer
// handles) is refused at load time with a message.
//
// Every call returns 0 on success, or an MPI error code (the default error handler aborts the whole
// job on errors, which is what a training run wants when a rank dies).

#ifndef ELECTRA_MPI_H
#define ELECTRA_MPI_H

#ifdef __cplusplus
extern "C" {
#endif

/// Loads Open MPI once (thread-safe): libmpi.so.40, or the file `ELECTRA_MPI_LIBRARY` names. Returns
/// 1 when it can be used; otherwise 0 and a reason in `message` (at most `capacity` bytes,
/// NUL-terminated).
int electra_mpi_load(char *message, long capacity);

/// MPI_Get_library_version's text (one line), or "" when not loaded. Callable before init.
void electra_mpi_library_version(char *out, long capacity);

/// MPI_Init_thread(FUNNELED) on MPI_COMM_WORLD; writes this process's rank and the world size.
int electra_mpi_init(int *rank, int *size);

/// Sums `count` floats (doubles) element-wise over all ranks, in place.
int electra_mpi_allreduce_sum_float(float *values, long count);
int electra_mpi_allreduce_sum_double(double *values, long count);

/// Sums `count` bf16 values (the high halves of floats, round to nearest even) over all ranks, in
/// place; the reduction adds in float and rounds each partial sum to bf16.
int electra_mpi_allreduce_sum_bf16(unsigned short *values, long count);

/// Copies `count` bytes from rank `root` to every rank.
int electra_mpi_broadcast(void *bytes, long count, int root);

int electra_mpi_barrier(void);

/// Ends every process of the job with `code` (MPI_Abort); does not return.
void electra_mpi_abort(int code);

int electra_mpi_finalize(void);

/// MPI_Wtime.
double electra_mpi_time(void);

#ifdef __cplusplus
}
#endif

#endif
