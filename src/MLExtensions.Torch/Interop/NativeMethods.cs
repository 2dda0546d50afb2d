using System.Runtime.InteropServices;

namespace MLExtensions.Torch.Interop;

/// <summary>Layout of the native <c>mlx_arg</c> cell (see src/Native/mlx.h).</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct NativeArg
{
    [FieldOffset(0)] public int Kind;
    [FieldOffset(8)] public long I;
    [FieldOffset(8)] public double D;
    [FieldOffset(8)] public IntPtr P;
    [FieldOffset(16)] public long Len;
    [FieldOffset(24)] public IntPtr Name;
}

internal enum ArgKind
{
    None = 0, Tensor = 1, Int = 2, Double = 3, Bool = 4, IntList = 5, DoubleList = 6, TensorList = 7,
    String = 8, Device = 9, Generator = 10, BoolList = 11,
}

/// <summary>P/Invoke declarations of the flat C ABI. Every int-returning call is 0 on success, -1 on failure.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Lib = "mlext_native";

    static NativeMethods() => NativeLoader.EnsureRegistered();

    [LibraryImport(Lib)] internal static partial IntPtr mlx_last_error();

    [LibraryImport(Lib)] internal static partial void mlx_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_from_data(void* data, long nbytes, long* shape, int ndim, int dtype, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_copy_to(IntPtr t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_info(IntPtr t, out int ndim, out int dtype, out int deviceType, out int deviceIndex, out long numel);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_shape(IntPtr t, long* shape, int capacity);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_to(IntPtr t, int deviceType, int deviceIndex, int dtype, int nonBlocking, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int mlx_tensor_shallow_clone(IntPtr t, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int mlx_backward(IntPtr t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int mlx_grad(IntPtr t, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int mlx_set_grad(IntPtr t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int mlx_requires_grad(IntPtr t, out int result);
    [LibraryImport(Lib)] internal static partial int mlx_set_requires_grad(IntPtr t, int value);
    [LibraryImport(Lib)] internal static partial int mlx_zero_grad(IntPtr t, int setToNone);
    [LibraryImport(Lib)] internal static partial int mlx_autograd_grad(IntPtr* outputs, int noutputs, IntPtr* gradOutputs, IntPtr* inputs, int ninputs, int retainGraph, int createGraph, int allowUnused, IntPtr* results);
    [LibraryImport(Lib)] internal static partial int mlx_grad_enabled(out int result);
    [LibraryImport(Lib)] internal static partial int mlx_set_grad_enabled(int value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int mlx_op_find(string name, string overload, out IntPtr op);
    [LibraryImport(Lib)] internal static partial int mlx_op_schema(IntPtr op, out IntPtr text);
    [LibraryImport(Lib)] internal static partial int mlx_op_take_results(NativeArg* results, int capacity);
    [LibraryImport(Lib)] internal static partial int mlx_op_call(IntPtr op, NativeArg* args, int nargs, NativeArg* results, int capacity, out int nresults);

    [LibraryImport(Lib)] internal static partial int mlx_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int mlx_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int mlx_get_num_threads(out int n);
    [LibraryImport(Lib)] internal static partial int mlx_cuda_is_available(out int result);
    [LibraryImport(Lib)] internal static partial int mlx_cuda_device_count(out int result);
    [LibraryImport(Lib)] internal static partial int mlx_cuda_memory(int device, out long free, out long total);
    [LibraryImport(Lib)] internal static partial int mlx_cuda_synchronize(int device);
    [LibraryImport(Lib)] internal static partial int mlx_generator_create(ulong seed, int deviceType, int deviceIndex, out IntPtr result);
    [LibraryImport(Lib)] internal static partial void mlx_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int mlx_version(out IntPtr text);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int mlx_image_decode_file(string path, int channels, int height, int width, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int mlx_image_decode_buffer(byte* data, long nbytes, int channels, int height, int width, out IntPtr result);

    /// <summary>Throws the native layer's last error when <paramref name="rc"/> signals failure.</summary>
    internal static void Check(int rc)
    {
        if (rc != 0) throw new TorchException(Marshal.PtrToStringUTF8(mlx_last_error()) ?? "unknown native error");
    }
}
