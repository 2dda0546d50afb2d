using MLExtensions.Components.Classification;
using MLExtensions.Components.Distillation;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.Distillation;

[TestClass]
public sealed class DistilledStudentTests
{
    private static DistilledStudentOptions StudentOptions() => new()
    {
        LabelColumnName = "label",
        HiddenSizes = [32],
        Epochs = 40,
        EarlyStoppingPatience = 10,
        Temperature = 4,
        Alpha = 0.9,
        Seed = 5,
    };

    [TestMethod]
    public void TeacherIsAccurateOnDigits()
    {
        Assert.IsGreaterThan(0.95, DistillationTestData.Accuracy(DistillationTestData.Teacher, DistillationTestData.Test));
        Assert.IsTrue(DistillationTestData.Teacher.Metrics.ContainsKey("val_accuracy"));
    }

    [TestMethod]
    public void StudentLearnsFromSoftTargetsAlone()
    {
        // No label column at all: the student only ever sees the teacher's softened probabilities.
        var unlabeled = DistillationTestData.Train.Drop("label");
        using var student = new MLExtContext(1).DistilledStudent(StudentOptions(), DistillationTestData.Teacher).Fit(unlabeled);
        double accuracy = DistillationTestData.Accuracy(student, DistillationTestData.Test);
        Assert.IsGreaterThan(0.9, accuracy, $"student accuracy {accuracy}");
        Assert.IsLessThan(DistillationTestData.Teacher.ParameterCount / 10, student.ParameterCount);
    }

    [TestMethod]
    public void TransferSetAndReportAndOfflineTeacherColumn()
    {
        var train = DistillationTestData.Train;
        var labelled = train.Slice(0, 300);
        var transfer = train.Slice(300, train.RowCount - 300).Drop("label");
        var trainer = new MLExtContext(2).DistilledStudent(StudentOptions(), DistillationTestData.Teacher);
        using var student = trainer.Fit(labelled, transfer);
        Assert.IsNotNull(trainer.LastReport);
        var report = DistillationReport.Measure(student, [DistillationTestData.Teacher], DistillationTestData.Test, "label");
        Assert.IsGreaterThan(0.9, report.StudentAccuracy!.Value);
        Assert.IsGreaterThan(0.9, report.Agreement);
        Assert.AreEqual(DistillationTestData.Teacher.ParameterCount, report.TeacherParameters);
        Assert.IsGreaterThan(0.0, report.StudentRowsPerSecond);
        Assert.IsNotNull(report.Speedup);

        // Offline: the teacher's Score column (probabilities) replaces the teacher model.
        var scored = DistillationTestData.Teacher.Transform(train).Rename("Score", "Teacher").Drop("PredictedLabel");
        var offline = StudentOptions();
        offline.TeacherColumnName = "Teacher";
        offline.TeacherColumnKind = TeacherOutputKind.Probabilities;
        using var fromColumn = new MLExtContext(3).DistilledStudent(offline).Fit(scored);
        Assert.IsGreaterThan(0.9, DistillationTestData.Accuracy(fromColumn, DistillationTestData.Test));
    }

    [TestMethod]
    public void SeveralTeachersAndHintLoss()
    {
        using var second = new MLExtContext(4).NeuralClassifier(new NeuralClassifierOptions
        {
            LabelColumnName = "label", HiddenSizes = [64], Epochs = 15, Seed = 9,
        }).Fit(DistillationTestData.Train);
        var options = StudentOptions();
        options.HintWeight = 0.1;
        options.Epochs = 20;
        using var student = new MLExtContext(5).DistilledStudent(options, DistillationTestData.Teacher, second).Fit(DistillationTestData.Train);
        Assert.IsGreaterThan(0.9, DistillationTestData.Accuracy(student, DistillationTestData.Test));
    }

    [TestMethod]
    public void SaveThenLoadGivesIdenticalOutputs()
    {
        var options = StudentOptions();
        options.Epochs = 3;
        options.BatchNorm = true;
        using var student = new MLExtContext(6).DistilledStudent(options, DistillationTestData.Teacher).Fit(DistillationTestData.Train);
        var path = Path.Combine(Path.GetTempPath(), $"mlext-distill-{Guid.NewGuid():N}.zip");
        try
        {
            student.Save(path);
            using var loaded = ModelFile.Load<NeuralClassifierModel>(path);
            Assert.AreEqual(DistilledStudent.ComponentName, loaded.Component);
            var a = student.Transform(DistillationTestData.Test).GetColumn<FloatVectorColumn>("Score").Values.ToArray();
            var b = loaded.Transform(DistillationTestData.Test).GetColumn<FloatVectorColumn>("Score").Values.ToArray();
            CollectionAssert.AreEqual(a, b);
            Assert.AreEqual("DistilledStudent", ModelFile.ReadInfo(path).Manifest.Component);

            var teacherPath = path + ".teacher.zip";
            DistillationTestData.Teacher.Save(teacherPath);
            using var teacher = ModelFile.Load(teacherPath);
            CollectionAssert.AreEqual(
                DistillationTestData.Teacher.Transform(DistillationTestData.Test).GetColumn<FloatVectorColumn>("Score").Values.ToArray(),
                teacher.Transform(DistillationTestData.Test).GetColumn<FloatVectorColumn>("Score").Values.ToArray());
            File.Delete(teacherPath);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
