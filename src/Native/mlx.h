// Flat C ABI over libtorch for the managed engine (MLExtensions.Torch).
//
// Conventions:
//  * Tensors cross the boundary as opaque handles (heap-allocated at::Tensor*), freed with mlx_tensor_free.
//  * Every function that can fail returns int: 0 on success, -1 on failure. On failure the message is kept
//    in a thread-local slot read by mlx_last_error(); the managed side raises it as an exception.
//  * dtype codes are c10::ScalarType values; device type codes are c10::DeviceType values (0 CPU, 1 CUDA).
#pragma once
#include <stdint.h>

#if defined(_WIN32)
#define MLX_API extern "C" __declspec(dllexport)
#else
#define MLX_API extern "C" __attribute__((visibility("default")))
#endif

typedef void* mlx_tensor;   // at::Tensor*
typedef void* mlx_op;       // const c10::OperatorHandle*
typedef void* mlx_generator; // at::Generator*

// Argument/result cell for the generic boxed operator call.
enum mlx_arg_kind {
  MLX_NONE = 0,
  MLX_TENSOR = 1,       // p: mlx_tensor (may be null = undefined / None)
  MLX_INT = 2,          // i
  MLX_DOUBLE = 3,       // d
  MLX_BOOL = 4,         // i != 0
  MLX_INT_LIST = 5,     // p: const int64_t*, len
  MLX_DOUBLE_LIST = 6,  // p: const double*, len
  MLX_TENSOR_LIST = 7,  // p: const mlx_tensor*, len
  MLX_STRING = 8,       // p: const char* (utf-8, nul-terminated)
  MLX_DEVICE = 9,       // i: device type, len: device index (-1 = current)
  MLX_GENERATOR = 10,   // p: mlx_generator
  MLX_BOOL_LIST = 11,   // p: const uint8_t*, len
};

typedef struct mlx_arg {
  int32_t kind;
  int32_t reserved;
  union {
    int64_t i;
    double d;
    const void* p;
  } v;
  int64_t len;
  const char* name;  // null = positional; otherwise matched to the schema's argument name
} mlx_arg;

// errors
MLX_API const char* mlx_last_error(void);

// tensors
MLX_API void mlx_tensor_free(mlx_tensor t);
MLX_API int mlx_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim,
                                 int32_t dtype, mlx_tensor* out);
MLX_API int mlx_tensor_copy_to(mlx_tensor t, void* dst, int64_t nbytes);
MLX_API int mlx_tensor_info(mlx_tensor t, int32_t* ndim, int32_t* dtype, int32_t* device_type,
                            int32_t* device_index, int64_t* numel);
MLX_API int mlx_tensor_shape(mlx_tensor t, int64_t* shape, int32_t capacity);
MLX_API int mlx_tensor_to(mlx_tensor t, int32_t device_type, int32_t device_index, int32_t dtype,
                          int32_t non_blocking, mlx_tensor* out);
MLX_API int mlx_tensor_shallow_clone(mlx_tensor t, mlx_tensor* out);
MLX_API int mlx_tensor_defined(mlx_tensor t, int32_t* out);

// autograd
MLX_API int mlx_backward(mlx_tensor t, mlx_tensor grad_or_null, int32_t retain_graph, int32_t create_graph);
MLX_API int mlx_grad(mlx_tensor t, mlx_tensor* out);  // *out = null when no gradient
MLX_API int mlx_set_grad(mlx_tensor t, mlx_tensor grad_or_null);
MLX_API int mlx_requires_grad(mlx_tensor t, int32_t* out);
MLX_API int mlx_set_requires_grad(mlx_tensor t, int32_t value);
MLX_API int mlx_zero_grad(mlx_tensor t, int32_t set_to_none);
MLX_API int mlx_autograd_grad(const mlx_tensor* outputs, int32_t noutputs, const mlx_tensor* grad_outputs,
                              const mlx_tensor* inputs, int32_t ninputs, int32_t retain_graph, int32_t create_graph,
                              int32_t allow_unused, mlx_tensor* results);
MLX_API int mlx_grad_enabled(int32_t* out);
MLX_API int mlx_set_grad_enabled(int32_t value);

// generic operator dispatch
MLX_API int mlx_op_find(const char* name, const char* overload, mlx_op* out);
MLX_API int mlx_op_schema(mlx_op op, const char** out);
// Returns 0 with the results in `results`, or 1 when *nresults > capacity: the results then wait in a
// thread-local buffer for mlx_op_take_results (called next, on the same thread).
MLX_API int mlx_op_call(mlx_op op, const mlx_arg* args, int32_t nargs, mlx_arg* results,
                        int32_t capacity, int32_t* nresults);
MLX_API int mlx_op_take_results(mlx_arg* results, int32_t capacity);

// runtime
MLX_API int mlx_manual_seed(uint64_t seed);
MLX_API int mlx_set_num_threads(int32_t n);
MLX_API int mlx_get_num_threads(int32_t* out);
MLX_API int mlx_cuda_is_available(int32_t* out);
MLX_API int mlx_cuda_device_count(int32_t* out);
MLX_API int mlx_cuda_memory(int32_t device, int64_t* free_bytes, int64_t* total_bytes);
MLX_API int mlx_cuda_synchronize(int32_t device);
MLX_API int mlx_generator_create(uint64_t seed, int32_t device_type, int32_t device_index, mlx_generator* out);
MLX_API void mlx_generator_free(mlx_generator g);
MLX_API int mlx_version(const char** out);
// glibc malloc thresholds in bytes (<= 0 leaves one unchanged); see runtime.cpp.
MLX_API int mlx_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold);

// images (OpenCV): decode a PNG/JPEG/... file or buffer, convert to 1 or 3 channels (RGB order),
// resize to height x width (0 = keep), return a uint8 tensor [H, W, C].
MLX_API int mlx_image_decode_file(const char* path, int32_t channels, int32_t height, int32_t width, mlx_tensor* out);
MLX_API int mlx_image_decode_buffer(const uint8_t* data, int64_t nbytes, int32_t channels, int32_t height,
                                    int32_t width, mlx_tensor* out);
