using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MLExtensions.Components.Classification;
using MLExtensions.Components.Distillation;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary><c>mlext distill</c>: trains a small student on one or more teachers' soft targets and reports teacher vs student.</summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var teacher = new Option<string?>("--teacher") { Description = "Teacher model zip(s), comma-separated (their soft targets are averaged)" };
        var teacherColumn = new Option<string?>("--teacher-column") { Description = "Offline distillation: precomputed teacher outputs in columns NAME.<class>" };
        var teacherKind = new Option<TeacherOutputKind>("--teacher-kind") { Description = "What --teacher-column holds", DefaultValueFactory = _ => TeacherOutputKind.Logits };
        var train = new Option<FileInfo>("--train") { Description = "Training CSV (labels optional per row)", Required = true };
        var transfer = new Option<FileInfo?>("--transfer") { Description = "Unlabelled transfer CSV (same features; trains on soft targets only)" };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the student zip", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "Softening temperature T", DefaultValueFactory = _ => 4 };
        var alpha = new Option<double>("--alpha") { Description = "Weight of the soft term on labelled rows", DefaultValueFactory = _ => 0.9 };
        var hint = new Option<double>("--hint-weight") { Description = "Weight of the hint loss on the last hidden layers (0: off)", DefaultValueFactory = _ => 0 };
        var test = new Option<FileInfo?>("--test") { Description = "Test CSV for the report (default: the validation rows)" };
        var reportOut = new Option<FileInfo?>("--report-out") { Description = "Write the report as JSON here" };
        var mlp = new MlpCliOptions(new DistilledStudentOptions(), "Student hidden widths, comma-separated");
        var cmd = new Command("distill", "Distil one or more teacher classifiers (or a column of their outputs) into a small, fast student");
        foreach (var o in new Option[] { teacher, teacherColumn, teacherKind, train, transfer, output, temperature, alpha, hint })
            cmd.Options.Add(o);
        mlp.AddTo(cmd);
        cmd.Options.Add(test);
        cmd.Options.Add(reportOut);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.CreateWithLog(p.GetValue(mlp.Seed));
            var column = p.GetValue(teacherColumn);
            var paths = (p.GetValue(teacher) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (paths.Length == 0 == (column is null))
                throw new ArgumentException("give either --teacher a.zip[,b.zip] or --teacher-column NAME");
            var options = mlp.Read(p, new DistilledStudentOptions());
            options.TeacherColumnName = column;
            options.TeacherColumnKind = p.GetValue(teacherKind);
            options.Temperature = p.GetValue(temperature);
            options.Alpha = p.GetValue(alpha);
            options.HintWeight = p.GetValue(hint);
            var labelName = options.LabelColumnName;
            var teachers = new List<ITransformer>();
            try
            {
                foreach (var path in paths) teachers.Add(ModelFile.Load(path, ctx));
                var data = ClassifierCsv.Load(ctx, p.GetValue(train)!.FullName, labelName, teacherPrefix: column);
                var transferData = p.GetValue(transfer) is { } tf
                    ? ClassifierCsv.Load(ctx, tf.FullName, labelName, teacherPrefix: column) is var t && t.Contains(labelName) ? t.Drop(labelName) : t
                    : null;
                var trainer = ctx.DistilledStudent(options, teachers.ToArray());
                var clock = Stopwatch.StartNew();
                using var student = CliProgress.Run("distill", progress => { trainer.Progress = progress; return trainer.Fit(data, transferData); });
                Console.WriteLine($"student [{string.Join(",", options.HiddenSizes)}] trained on {data.RowCount} rows" +
                                  (transferData is null ? "" : $" + {transferData.RowCount} transfer rows") +
                                  $": {trainer.LastTraining!.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s");
                DistillationReport? report = trainer.LastReport;
                string where = "validation rows";
                if (p.GetValue(test) is { } testFile)
                {
                    bool testHasTeacher = column != null && ctx.Data.InferTextFileSchema(testFile.FullName).Any(c => c.Name.StartsWith(column + ".", StringComparison.Ordinal));
                    var testData = ClassifierCsv.Load(ctx, testFile.FullName, labelName, teacherPrefix: teachers.Count == 0 && testHasTeacher ? column : null);
                    report = DistillationReport.Measure(student, teachers, testData, labelName, column);
                    where = $"test set ({testData.RowCount} rows)";
                }
                if (report != null)
                {
                    if (report.TeacherAccuracy is double ta) student.Metrics["report_teacher_accuracy"] = ta;
                    if (report.StudentAccuracy is double sa) student.Metrics["report_student_accuracy"] = sa;
                    if (!double.IsNaN(report.Agreement)) student.Metrics["report_agreement"] = report.Agreement;
                    Console.WriteLine($"report on the {where}:");
                    Console.WriteLine(report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    if (p.GetValue(reportOut) is { } ro) File.WriteAllText(ro.FullName, report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
                }
                var outFile = p.GetValue(output)!;
                student.Save(outFile.FullName);
                Console.WriteLine($"saved {outFile.FullName} ({student.ParameterCount:N0} parameters)");
                return 0;
            }
            finally
            {
                foreach (var t in teachers) t.Dispose();
            }
        }));
        return cmd;
    }
}
