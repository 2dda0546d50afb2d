using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace MLExtensions.Torch.Interop;

/// <summary>
/// A cached handle to one ATen operator (schema name + overload) called through libtorch's boxed
/// dispatcher. Missing trailing or unnamed arguments take the schema's defaults.
/// </summary>
public sealed unsafe class Op
{
    private static readonly ConcurrentDictionary<(string, string), Op> Cache = new();
    private static readonly ConcurrentDictionary<string, IntPtr> Utf8 = new();
    private const int MaxArgs = 24;
    private const int MaxResults = 16;

    [ThreadStatic] private static byte* _scratch;
    [ThreadStatic] private static int _scratchSize;

    private readonly IntPtr _handle;

    /// <summary>Schema name, e.g. <c>aten::add</c>.</summary>
    public string Name { get; }
    public string Overload { get; }

    private Op(string name, string overload, IntPtr handle)
    {
        Name = name; Overload = overload; _handle = handle;
    }

    /// <summary>Looks up (once) the operator <paramref name="name"/> with <paramref name="overload"/> ("" = default).</summary>
    public static Op Get(string name, string overload = "") =>
        Cache.GetOrAdd((name, overload), static key =>
        {
            NativeMethods.Check(NativeMethods.mlx_op_find(key.Item1, key.Item2, out var h));
            return new Op(key.Item1, key.Item2, h);
        });

    /// <summary>The operator's full schema text.</summary>
    public string Schema
    {
        get
        {
            NativeMethods.Check(NativeMethods.mlx_op_schema(_handle, out var text));
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
    }

    /// <summary>Calls an operator that returns one tensor.</summary>
    public Tensor Call(params ReadOnlySpan<Arg> args)
    {
        NativeArg* buffer = stackalloc NativeArg[MaxResults];
        int n = Invoke(args, buffer, out var results);
        try
        {
            if (n != 1 || results[0].Kind != (int)ArgKind.Tensor)
            {
                FreeResults(results, n);
                throw new TorchException($"{Name}: expected one tensor result, got {n}");
            }
            return new Tensor(results[0].P);
        }
        finally { Release(results, buffer); }
    }

    /// <summary>Calls an operator that returns several tensors (a tuple or a list).</summary>
    public Tensor[] CallMany(params ReadOnlySpan<Arg> args)
    {
        NativeArg* buffer = stackalloc NativeArg[MaxResults];
        int n = Invoke(args, buffer, out var results);
        try
        {
            for (int i = 0; i < n; i++)
                if (results[i].Kind != (int)ArgKind.Tensor)
                {
                    FreeResults(results, n);
                    throw new TorchException($"{Name}: result {i} is not a tensor");
                }
            var output = new Tensor[n];
            for (int i = 0; i < n; i++) output[i] = new Tensor(results[i].P);
            return output;
        }
        finally { Release(results, buffer); }
    }

    /// <summary>Calls an operator for its side effect (in-place ops); any tensor results are released.</summary>
    public void CallVoid(params ReadOnlySpan<Arg> args)
    {
        NativeArg* buffer = stackalloc NativeArg[MaxResults];
        int n = Invoke(args, buffer, out var results);
        FreeResults(results, n);
        Release(results, buffer);
    }

    /// <summary>Calls an operator that returns a number (int, float or bool), as a double.</summary>
    public double CallScalar(params ReadOnlySpan<Arg> args)
    {
        NativeArg* buffer = stackalloc NativeArg[MaxResults];
        int n = Invoke(args, buffer, out var results);
        try
        {
            if (n != 1) { FreeResults(results, n); throw new TorchException($"{Name}: expected one scalar result, got {n}"); }
            return (ArgKind)results[0].Kind switch
            {
                ArgKind.Int or ArgKind.Bool => results[0].I,
                ArgKind.Double => results[0].D,
                _ => throw new TorchException($"{Name}: result is not a scalar"),
            };
        }
        finally { Release(results, buffer); }
    }

    private static void Release(NativeArg* results, NativeArg* buffer)
    {
        if (results != buffer) NativeMemory.Free(results);
    }

    private static void FreeResults(NativeArg* results, int n)
    {
        for (int i = 0; i < n; i++)
            if (results[i].Kind == (int)ArgKind.Tensor) NativeMethods.mlx_tensor_free(results[i].P);
    }

    /// <summary>Calls the operator; results land in <paramref name="buffer"/> or, when there are more than it holds, in native memory that <see cref="Release"/> frees.</summary>
    private int Invoke(ReadOnlySpan<Arg> args, NativeArg* buffer, out NativeArg* results)
    {
        if (args.Length > MaxArgs) throw new ArgumentException($"{Name}: too many arguments ({args.Length})");
        NativeArg* native = stackalloc NativeArg[args.Length];
        byte* scratch = Scratch(ScratchBytes(args));
        long offset = 0;
        for (int k = 0; k < args.Length; k++)
        {
            ref readonly Arg a = ref args[k];
            ref NativeArg n = ref native[k];
            n.Kind = (int)a.Kind;
            n.Len = 0;
            n.Name = a.Name is null ? IntPtr.Zero : Intern(a.Name);
            switch (a.Kind)
            {
                case ArgKind.None: n.P = IntPtr.Zero; break;
                case ArgKind.Tensor: n.P = ((Tensor)a.O!).Handle; break;
                case ArgKind.Int: case ArgKind.Bool: n.I = a.I; break;
                case ArgKind.Double: n.D = a.D; break;
                case ArgKind.Device: n.I = a.I; n.Len = (long)a.D; break;
                case ArgKind.String: n.P = Intern((string)a.O!); break;
                case ArgKind.Generator: n.P = ((Generator)a.O!).Handle; break;
                case ArgKind.IntList:
                {
                    var v = (long[])a.O!;
                    var dst = (long*)(scratch + offset);
                    for (int i = 0; i < v.Length; i++) dst[i] = v[i];
                    n.P = (IntPtr)dst; n.Len = v.Length; offset += 8L * v.Length;
                    break;
                }
                case ArgKind.DoubleList:
                {
                    var v = (double[])a.O!;
                    var dst = (double*)(scratch + offset);
                    for (int i = 0; i < v.Length; i++) dst[i] = v[i];
                    n.P = (IntPtr)dst; n.Len = v.Length; offset += 8L * v.Length;
                    break;
                }
                case ArgKind.BoolList:
                {
                    var v = (bool[])a.O!;
                    var dst = scratch + offset;
                    for (int i = 0; i < v.Length; i++) dst[i] = v[i] ? (byte)1 : (byte)0;
                    n.P = (IntPtr)dst; n.Len = v.Length; offset += (v.Length + 7) & ~7;
                    break;
                }
                case ArgKind.TensorList:
                {
                    var v = (Tensor?[])a.O!;
                    var dst = (IntPtr*)(scratch + offset);
                    for (int i = 0; i < v.Length; i++) dst[i] = v[i] is null ? IntPtr.Zero : v[i]!.Handle;
                    n.P = (IntPtr)dst; n.Len = v.Length; offset += 8L * v.Length;
                    break;
                }
            }
        }
        int rc = NativeMethods.mlx_op_call(_handle, native, args.Length, buffer, MaxResults, out int count);
        for (int k = 0; k < args.Length; k++) GC.KeepAlive(args[k].O);
        results = buffer;
        if (rc == 1)
        {
            results = (NativeArg*)NativeMemory.Alloc((nuint)count, (nuint)sizeof(NativeArg));
            rc = NativeMethods.mlx_op_take_results(results, count);
            if (rc != 0) { NativeMemory.Free(results); results = buffer; }
        }
        if (rc != 0) throw new TorchException(Marshal.PtrToStringUTF8(NativeMethods.mlx_last_error()) ?? $"{Name} failed");
        return count;
    }

    private static long ScratchBytes(ReadOnlySpan<Arg> args)
    {
        long bytes = 0;
        foreach (ref readonly var a in args)
            bytes += a.Kind switch
            {
                ArgKind.IntList => 8L * ((long[])a.O!).Length,
                ArgKind.DoubleList => 8L * ((double[])a.O!).Length,
                ArgKind.BoolList => (((bool[])a.O!).Length + 7) & ~7,
                ArgKind.TensorList => 8L * ((Tensor?[])a.O!).Length,
                _ => 0,
            };
        return bytes;
    }

    private static byte* Scratch(long bytes)
    {
        if (bytes > _scratchSize)
        {
            if (_scratch != null) NativeMemory.Free(_scratch);
            int size = (int)Math.Max(bytes, 4096);
            _scratch = (byte*)NativeMemory.Alloc((nuint)size);
            _scratchSize = size;
        }
        return _scratch;
    }

    /// <summary>UTF-8 copies of argument names and string values, kept for the life of the process (few, constant).</summary>
    private static IntPtr Intern(string s) => Utf8.GetOrAdd(s, static v => Marshal.StringToCoTaskMemUTF8(v));

    public override string ToString() => Overload.Length == 0 ? Name : $"{Name}.{Overload}";
}
