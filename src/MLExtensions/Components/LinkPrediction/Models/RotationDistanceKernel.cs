using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// RotatE's query-against-every-entity score, γ − Σ_k √((q_re,k − e_re,k)² + (q_im,k − e_im,k)² + 10⁻⁹), fused into
/// one pass over host memory. Composed of tensor operations the same score materialises a [queries, entities, Dim]
/// temporary per step (about eight of them), so its cost is memory traffic; here each (query, entity) pair is reduced
/// in registers and a block of entity rows stays in cache while every query of the batch passes over it, which
/// leaves the square roots as the cost. Each coordinate term is computed with the same float operations in the same
/// order as the tensor form, and the Dim terms are summed in the order of libtorch's vectorised sum (see
/// <see cref="Distance"/>), so on 8-lane (AVX2) libtorch builds the scores equal the tensor form's bit for bit; with
/// libtorch's AVX-512 kernels (16 lanes; Debian's 1.13 on an AMD EPYC) the distances differ by up to a few ulps, as
/// measured. A pair's score
/// never depends on where its entity lies in the table, so entities with equal rows get equal scores (ties stay ties).
/// No autograd: the training path keeps the tensor form.
/// </summary>
internal static class RotationDistanceKernel
{
    // Entity rows per block: 64 × 2·Dim floats (51 KB at Dim 100) stay in L2 while all the batch's queries pass over them.
    private const int EntityBlock = 64;

    /// <summary>
    /// Fills <paramref name="scores"/> [queries, entities] with γ − distance. <paramref name="queries"/> holds
    /// [queries, 2·dim] and <paramref name="entities"/> [entities, 2·dim], each row as [re | im] halves.
    /// </summary>
    public static void Score(float[] queries, float[] entities, int dim, float margin, float[] scores, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        int width = 2 * dim;
        if (queries.Length % width != 0 || entities.Length % width != 0)
            throw new ArgumentException($"query and entity rows must hold 2·Dim = {width} values");
        int queryCount = queries.Length / width;
        int entityCount = entities.Length / width;
        if (scores.Length != (long)queryCount * entityCount)
            throw new ArgumentException($"scores must hold {queryCount} × {entityCount} values, not {scores.Length}");
        int blocks = (entityCount + EntityBlock - 1) / EntityBlock;
        if (threads <= 1 || blocks == 1)
        {
            for (int block = 0; block < blocks; block++) ScoreBlock(queries, entities, dim, margin, scores, block);
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads },
                     block => ScoreBlock(queries, entities, dim, margin, scores, block));
    }

    private static void ScoreBlock(float[] queries, float[] entities, int dim, float margin, float[] scores, int block)
    {
        int width = 2 * dim;
        int queryCount = queries.Length / width;
        int entityCount = entities.Length / width;
        int first = block * EntityBlock;
        int end = Math.Min(first + EntityBlock, entityCount);
        for (int q = 0; q < queryCount; q++)
        {
            var query = queries.AsSpan(q * width, width);
            var row = scores.AsSpan(q * entityCount, entityCount);
            for (int e = first; e < end; e++)
                row[e] = margin - Distance(query, entities.AsSpan(e * width, width), dim);
        }
    }

    // libtorch's float vector width: 16 lanes where it dispatches to AVX-512 (the CPU has it and ATEN_CPU_CAPABILITY does
    // not ask for less), else 8 (AVX2, and the generic 32-byte vectors of its default build).
    internal static readonly int TorchFloatLanes = DetectTorchFloatLanes();

    private static int DetectTorchFloatLanes()
    {
        var capability = Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY")?.Trim().ToLowerInvariant();
        if (capability is "default" or "avx2") return 8;
        return Vector512.IsHardwareAccelerated ? 16 : 8;
    }

    // Σ_k √((a_re − b_re)² + (a_im − b_im)² + 1e-9) over the dim complex coordinates of two [re | im] rows, summed in
    // the order of libtorch's float sum over a contiguous last dimension (ATen's cascade sum): with W-lane vectors
    // V_j = terms [jW, jW + W), four accumulators take V_4i, V_4i+1, V_4i+2, V_4i+3 in turn (a cascade of partial
    // sums every 16 rows of four), vectors past the last full row go to the first, the four are added in order; then
    // the scalar terms past the last full vector, and last the W lanes of the vector sum, one by one. Below W terms
    // the same four-accumulator scheme runs on single terms. The lanes of a vector never mix before the end, so a
    // W = 16 vector is computed as two independent 8-lane halves.
    internal static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int dim)
    {
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float ai = ref Unsafe.Add(ref ar, dim);
        ref float bi = ref Unsafe.Add(ref br, dim);
        int lanes = TorchFloatLanes;
        int vectors = dim / lanes;
        if (vectors == 0) return ScalarRowSum(ref ar, ref br, ref ai, ref bi, dim);
        float sum = 0;
        for (int k = vectors * lanes; k < dim; k++) sum += Term(ref ar, ref br, ref ai, ref bi, k);
        for (int half = 0; half < lanes; half += 8)
        {
            var lanesSum = VectorRowSum(ref ar, ref br, ref ai, ref bi, vectors, lanes, half);
            for (int l = 0; l < 8; l++) sum += lanesSum.GetElement(l);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Term(ref float ar, ref float br, ref float ai, ref float bi, int k)
    {
        float dr = Unsafe.Add(ref ar, k) - Unsafe.Add(ref br, k);
        float di = Unsafe.Add(ref ai, k) - Unsafe.Add(ref bi, k);
        return MathF.Sqrt(dr * dr + di * di + Epsilon);
    }

    private const float Epsilon = 1e-9f;

    // Eight lanes (offset `half` within each W-lane vector) of the terms of vector j.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Terms(ref float ar, ref float br, ref float ai, ref float bi, int j, int lanes, int half)
    {
        nuint at = (nuint)(j * lanes + half);
        var dr = Vector256.LoadUnsafe(ref ar, at) - Vector256.LoadUnsafe(ref br, at);
        var di = Vector256.LoadUnsafe(ref ai, at) - Vector256.LoadUnsafe(ref bi, at);
        return Vector256.Sqrt(dr * dr + di * di + Vector256.Create(Epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> VectorRowSum(ref float ar, ref float br, ref float ai, ref float bi, int vectors, int lanes, int half)
    {
        int rows = vectors / 4;
        Vector256<float> a0, a1, a2, a3;
        if (rows < CascadeStep(rows))
        {
            a0 = a1 = a2 = a3 = Vector256<float>.Zero;
            for (int i = 0; i < rows; i++)
            {
                a0 += Terms(ref ar, ref br, ref ai, ref bi, 4 * i, lanes, half);
                a1 += Terms(ref ar, ref br, ref ai, ref bi, 4 * i + 1, lanes, half);
                a2 += Terms(ref ar, ref br, ref ai, ref bi, 4 * i + 2, lanes, half);
                a3 += Terms(ref ar, ref br, ref ai, ref bi, 4 * i + 3, lanes, half);
            }
        }
        else
        {
            Span<Vector256<float>> acc = stackalloc Vector256<float>[4];
            CascadeRows(ref ar, ref br, ref ai, ref bi, rows, lanes, half, acc);
            (a0, a1, a2, a3) = (acc[0], acc[1], acc[2], acc[3]);
        }
        for (int j = 4 * rows; j < vectors; j++) a0 += Terms(ref ar, ref br, ref ai, ref bi, j, lanes, half);
        return a0 + a1 + a2 + a3;
    }

    // ATen's multi-row cascade: rows are added in groups of `step` into level 0, which is then folded into level 1
    // (and level 1 into 2, 2 into 3 at multiples of step², step³), keeping long sums accurate.
    private static void CascadeRows(ref float ar, ref float br, ref float ai, ref float bi, int rows, int lanes, int half, Span<Vector256<float>> result)
    {
        const int levels = 4;
        int power = CascadePower(rows);
        int step = 1 << power;
        int mask = step - 1;
        Span<Vector256<float>> acc = stackalloc Vector256<float>[levels * 4];
        acc.Clear();
        int i = 0;
        while (i + step <= rows)
        {
            for (int j = 0; j < step; j++, i++)
                for (int k = 0; k < 4; k++) acc[k] += Terms(ref ar, ref br, ref ai, ref bi, 4 * i + k, lanes, half);
            for (int level = 1; level < levels; level++)
            {
                for (int k = 0; k < 4; k++)
                {
                    acc[level * 4 + k] += acc[(level - 1) * 4 + k];
                    acc[(level - 1) * 4 + k] = Vector256<float>.Zero;
                }
                if ((i & (mask << (level * power))) != 0) break;
            }
        }
        for (; i < rows; i++)
            for (int k = 0; k < 4; k++) acc[k] += Terms(ref ar, ref br, ref ai, ref bi, 4 * i + k, lanes, half);
        for (int level = 1; level < levels; level++)
            for (int k = 0; k < 4; k++) acc[k] += acc[level * 4 + k];
        acc[..4].CopyTo(result);
    }

    private static int CascadePower(int rows) => Math.Max(4, CeilLog2(rows) / 4);
    private static int CascadeStep(int rows) => 1 << CascadePower(rows);
    private static int CeilLog2(int x) => x <= 2 ? 1 : 32 - BitOperations.LeadingZeroCount((uint)(x - 1));

    // Fewer terms than one vector: the four-accumulator scheme on single terms.
    private static float ScalarRowSum(ref float ar, ref float br, ref float ai, ref float bi, int dim)
    {
        int rows = dim / 4;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < rows; i++)
        {
            s0 += Term(ref ar, ref br, ref ai, ref bi, 4 * i);
            s1 += Term(ref ar, ref br, ref ai, ref bi, 4 * i + 1);
            s2 += Term(ref ar, ref br, ref ai, ref bi, 4 * i + 2);
            s3 += Term(ref ar, ref br, ref ai, ref bi, 4 * i + 3);
        }
        for (int k = 4 * rows; k < dim; k++) s0 += Term(ref ar, ref br, ref ai, ref bi, k);
        return s0 + s1 + s2 + s3;
    }
}
