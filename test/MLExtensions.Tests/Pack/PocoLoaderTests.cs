using MLExtensions.Data;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class PocoLoaderTests
{
    private sealed class House
    {
        public float Size { get; set; }
        public double Price { get; set; }
        public int Rooms { get; set; }
        public bool HasGarden { get; set; }
        public string City { get; set; } = "";
        [ColumnName("Features"), VectorType(3)] public float[] Extra { get; set; } = [];
        [ImagePath] public string Photo { get; set; } = "";
        [NoColumn] public object? Tag { get; set; }
    }

    private sealed class HouseOut
    {
        public float Size { get; set; }
        public long Rooms { get; set; }
        public string City { get; set; } = "";
        [ColumnName("Features")] public double[] Vector { get; set; } = [];
        public bool HasGarden { get; set; }
    }

    private static House[] Houses() =>
    [
        new() { Size = 50, Price = 1.5, Rooms = 2, HasGarden = true, City = "Oslo", Extra = [1, 2, 3], Photo = "a.png" },
        new() { Size = 80, Price = 2.5, Rooms = 3, HasGarden = false, City = "Rome", Extra = [4, 5, 6], Photo = "b.png" },
    ];

    [TestMethod]
    public void Properties_become_typed_columns()
    {
        var data = new MLExtContext().Data.LoadFromEnumerable(Houses());
        Assert.AreEqual("Size: Float, Price: Float, Rooms: Key, HasGarden: Float, City: Text, Features: FloatVector[3], Photo: ImagePath", data.Schema.ToString());
        Assert.AreEqual(2, data.RowCount);
        Assert.AreEqual(2.5f, data.GetColumn<FloatColumn>("Price")[1]);
        Assert.AreEqual(3L, data.GetColumn<KeyColumn>("Rooms")[1]);
        Assert.AreEqual(1f, data.GetColumn<FloatColumn>("HasGarden")[0]);
        CollectionAssert.AreEqual(new float[] { 4, 5, 6 }, data.GetColumn<FloatVectorColumn>("Features").GetRow(1).ToArray());
        Assert.AreEqual("b.png", data.GetColumn<ImagePathColumn>("Photo")[1]);
    }

    [TestMethod]
    public void Wrong_vector_length_names_property_row_and_expectation()
    {
        var houses = Houses();
        houses[1].Extra = [1, 2];
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLExtContext().Data.LoadFromEnumerable(houses));
        Assert.AreEqual("House.Extra (column 'Features') in item 1 has 2 values; expected 3 ([VectorType])", e.Message);
    }

    [TestMethod]
    public void Rows_map_back_to_objects()
    {
        var ctx = new MLExtContext();
        var back = ctx.Data.CreateEnumerable<HouseOut>(ctx.Data.LoadFromEnumerable(Houses())).ToList();
        Assert.AreEqual(2, back.Count);
        Assert.AreEqual(80f, back[1].Size);
        Assert.AreEqual(3L, back[1].Rooms);
        Assert.AreEqual("Oslo", back[0].City);
        Assert.IsTrue(back[0].HasGarden);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3 }, back[0].Vector);
    }

    private sealed class Unsupported { public DateTime When { get; set; } }

    [TestMethod]
    public void Unsupported_property_type_is_explained()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => new MLExtContext().Data.LoadFromEnumerable(new[] { new Unsupported() }));
        StringAssert.Contains(e.Message, "Unsupported.When has type DateTime");
        StringAssert.Contains(e.Message, "[NoColumn]");
    }
}
