using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MLExtensions.Torch;
using MLExtensions.Torch.Serialization;
using Th = MLExtensions.Torch.Torch;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class SafetensorsTests
{
    private static Dictionary<string, Tensor> Sample()
    {
        Th.ManualSeed(7);
        return new Dictionary<string, Tensor>
        {
            ["f32"] = Th.Randn([3, 4]),
            ["f64"] = Th.Randn([2, 2, 2], dtype: ScalarType.Float64),
            ["i64"] = Tensor.From(new long[] { long.MinValue, -1, 0, 1, long.MaxValue }),
            ["u8"] = Tensor.From(new byte[] { 0, 1, 127, 128, 255, 42 }, 2, 3),
            ["bool"] = Tensor.From(new[] { true, false, false, true }, 2, 2),
            ["i32"] = Tensor.From(new[] { int.MinValue, 5, int.MaxValue }),
            ["scalar"] = Th.Scalar(3.5),
            ["empty"] = Th.Zeros([0, 5]),
        };
    }

    private static byte[] WithHeader(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private static FormatException LoadFails(byte[] bytes) =>
        Assert.ThrowsExactly<FormatException>(() => Safetensors.Deserialize(bytes));

    [TestMethod]
    public void RoundTripIsBitExactForEveryDtype()
    {
        using var scope = Th.NewDisposeScope();
        var tensors = Sample();
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ü \"quoted\"" };
        var bytes = Safetensors.Serialize(tensors, meta);
        var (loaded, loadedMeta) = Safetensors.Deserialize(bytes);

        CollectionAssert.AreEquivalent(tensors.Keys.ToList(), loaded.Keys.ToList());
        foreach (var (name, t) in tensors)
        {
            var l = loaded[name];
            Assert.AreEqual(t.DType, l.DType, name);
            CollectionAssert.AreEqual(t.Shape, l.Shape, name);
            CollectionAssert.AreEqual(t.ToBytes(), l.ToBytes(), name);
        }
        Assert.AreEqual("pt", loadedMeta["format"]);
        Assert.AreEqual("ü \"quoted\"", loadedMeta["note"]);
    }

    [TestMethod]
    public void SavingTwiceGivesIdenticalBytesWithPaddedSortedHeader()
    {
        using var scope = Th.NewDisposeScope();
        var tensors = Sample();
        var a = Safetensors.Serialize(tensors);
        var reversed = tensors.Reverse().ToDictionary(kv => kv.Key, kv => kv.Value);
        var b = Safetensors.Serialize(reversed);
        CollectionAssert.AreEqual(a, b);

        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(a);
        Assert.AreEqual(0, headerLength % 8, "header padded to a multiple of 8");
        using var doc = JsonDocument.Parse(a.AsMemory(8, (int)headerLength));
        var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        CollectionAssert.AreEqual(keys.OrderBy(k => k, StringComparer.Ordinal).ToList(), keys);
        var f32 = doc.RootElement.GetProperty("f32");
        Assert.AreEqual("F32", f32.GetProperty("dtype").GetString());
        CollectionAssert.AreEqual(new long[] { 3, 4 }, f32.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        Assert.AreEqual("BOOL", doc.RootElement.GetProperty("bool").GetProperty("dtype").GetString());
    }

    [TestMethod]
    public void ReadsAFileLaidOutByAnotherWriter()
    {
        // Metadata first, tensors out of name order, offsets in a different order than keys.
        var floats = new float[] { 1.5f, -2f, 0.25f, 1e-30f };
        var longs = new long[] { 9, -9 };
        var data = new byte[32];
        MemoryMarshalCopy(longs, data.AsSpan(0, 16));
        MemoryMarshalCopy(floats, data.AsSpan(16, 16));
        var json = "{\"__metadata__\":{\"format\":\"pt\"},\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]},"
                 + "\"idx\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}   ";
        using var scope = Th.NewDisposeScope();
        var (tensors, meta) = Safetensors.Deserialize(WithHeader(json, data));
        CollectionAssert.AreEqual(floats, tensors["weight"].ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, tensors["weight"].Shape);
        CollectionAssert.AreEqual(longs, tensors["idx"].ToArray<long>());
        Assert.AreEqual("pt", meta["format"]);
    }

    private static void MemoryMarshalCopy<T>(T[] values, Span<byte> destination) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);

    [TestMethod]
    public void FileRoundTripThroughPath()
    {
        using var scope = Th.NewDisposeScope();
        var dir = Path.Combine(Path.GetTempPath(), "mlext-st-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "model.safetensors");
            var tensors = Sample();
            Safetensors.Save(path, tensors);
            var (loaded, meta) = Safetensors.Load(path);
            Assert.AreEqual(0, meta.Count);
            foreach (var (name, t) in tensors) CollectionAssert.AreEqual(t.ToBytes(), loaded[name].ToBytes(), name);
            Assert.AreEqual(1, Directory.GetFiles(dir).Length, "no temporary file left behind");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void HeaderLengthOutOfBoundsIsRejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        StringAssert.Contains(LoadFails(bytes).Message, "header length");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        StringAssert.Contains(LoadFails(bytes).Message, "header length 1000");
        StringAssert.Contains(LoadFails(new byte[5]).Message, "fewer than 8 bytes");
    }

    [TestMethod]
    public void OffsetsOutOfRangeAreRejectedNamingTheTensor()
    {
        var json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        var ok = WithHeader(json, new byte[12]);
        using (Th.NewDisposeScope()) Assert.AreEqual(2, Safetensors.Deserialize(ok).Tensors.Count);

        var beyond = WithHeader(json.Replace("[8,12]", "[8,1000000]").Replace("\"shape\":[1]", "\"shape\":[249998]"), new byte[12]);
        var e = LoadFails(beyond);
        StringAssert.Contains(e.Message, "truncated data");
        StringAssert.Contains(e.Message, "'b'");

        var overlap = WithHeader(json.Replace("[8,12]", "[4,8]"), new byte[12]);
        StringAssert.Contains(LoadFails(overlap).Message, "overlapping");

        var gap = WithHeader(json.Replace("[8,12]", "[12,16]"), new byte[16]);
        StringAssert.Contains(LoadFails(gap).Message, "gap");

        var wrongSize = WithHeader(json.Replace("[8,12]", "[8,16]"), new byte[16]);
        e = LoadFails(wrongSize);
        StringAssert.Contains(e.Message, "'b'");
        StringAssert.Contains(e.Message, "needs 4 bytes");

        var trailing = WithHeader(json, new byte[20]);
        StringAssert.Contains(LoadFails(trailing).Message, "after the last tensor");
    }

    [TestMethod]
    public void TruncatedFileIsRejected()
    {
        using var scope = Th.NewDisposeScope();
        var bytes = Safetensors.Serialize(Sample());
        var cut = bytes.AsSpan(0, bytes.Length - 3).ToArray();
        StringAssert.Contains(LoadFails(cut).Message, "truncated");

        // A non-seekable stream finds the truncation while reading.
        using var stream = new NonSeekable(cut);
        var e = Assert.ThrowsExactly<FormatException>(() => Safetensors.Load(stream));
        StringAssert.Contains(e.Message, "truncated data in tensor");

        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        StringAssert.Contains(LoadFails(bytes.AsSpan(0, (int)headerLength).ToArray()).Message, "header length");
    }

    [TestMethod]
    public void MalformedEntriesAreRejectedNamingTheTensor()
    {
        static string Msg(string json, int dataBytes = 4) => LoadFails(WithHeader(json, new byte[dataBytes])).Message;

        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}"), "'x'");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}"), "Q7");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}"), "'x'");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}"), "end before begin");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}"), "data_offsets");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), "more than once");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"), "not valid JSON");
        StringAssert.Contains(Msg("[1,2,3]"), "'{'");
        StringAssert.Contains(Msg("{\"__metadata__\":{\"a\":1},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), "metadata value 'a'");
        StringAssert.Contains(Msg("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}"), "'x'");
        var badBool = LoadFails(WithHeader("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[] { 1, 7 }));
        StringAssert.Contains(badBool.Message, "'m'");
    }

    [TestMethod]
    public void MaxBytesBoundsTheFile()
    {
        using var scope = Th.NewDisposeScope();
        var bytes = Safetensors.Serialize(new Dictionary<string, Tensor> { ["w"] = Th.Zeros([1000]) });
        var e = Assert.ThrowsExactly<FormatException>(() => Safetensors.Deserialize(bytes, maxBytes: 1000));
        StringAssert.Contains(e.Message, "allowed file size");
        Assert.AreEqual(1, Safetensors.Deserialize(bytes, maxBytes: bytes.Length).Tensors.Count);
    }

    [TestMethod]
    public void ReservedOrNullNamesCannotBeSaved()
    {
        using var scope = Th.NewDisposeScope();
        Assert.ThrowsExactly<ArgumentException>(() => Safetensors.Serialize(new Dictionary<string, Tensor> { ["__metadata__"] = Th.Zeros([1]) }));
    }

    private sealed class NonSeekable(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) _inner.Dispose(); base.Dispose(disposing); }
    }
}
