using System.IO.Compression;
using System.Text;
using MetricsPipeline.Configuration;
using MiniExcelLibs;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>A drop folder for a files source, with helpers to write CSV, TSV and xlsx files as departments do.</summary>
public sealed class DropFolder
{
    static DropFolder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public DropFolder(PipelineHarness harness, string name = "drops")
    {
        Harness = harness;
        Path = System.IO.Path.Combine(harness.Directory, name);
        System.IO.Directory.CreateDirectory(Path);
    }

    public PipelineHarness Harness { get; }

    public string Path { get; }

    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>Writes a text file and dates it an hour before the harness clock, so it has settled.</summary>
    public string WriteText(string name, string content, Encoding? encoding = null)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        Settle(name);
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        Settle(name);
        return path;
    }

    public string WriteXlsx(string name, IEnumerable<IDictionary<string, object?>> rows, string sheet = "Sheet1")
    {
        var path = System.IO.Path.Combine(Path, name);
        MiniExcel.SaveAs(path, rows, sheetName: sheet, overwriteFile: true);
        Settle(name);
        return path;
    }

    /// <summary>Merges the first two header cells of the first sheet, as a hand-made report often does (A1:B1).</summary>
    public void MergeFirstTwoHeaderCells(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.Ordinal));
            string xml;
            using (var reader = new StreamReader(entry.Open()))
                xml = reader.ReadToEnd();
            entry.Delete();
            // Blank B1 and declare the merge where OOXML wants it: after sheetData and autoFilter.
            var prefix = xml.Contains("<x:sheetData", StringComparison.Ordinal) ? "x:" : "";
            xml = System.Text.RegularExpressions.Regex.Replace(xml, $"<{prefix}c r=\"B1\"[^>]*?(/>|>.*?</{prefix}c>)", $"<{prefix}c r=\"B1\"/>");
            var merge = $"<{prefix}mergeCells count=\"1\"><{prefix}mergeCell ref=\"A1:B1\"/></{prefix}mergeCells>";
            var autoFilter = System.Text.RegularExpressions.Regex.Match(xml, $"<{prefix}autoFilter[^>]*/>");
            xml = autoFilter.Success
                ? xml.Insert(autoFilter.Index + autoFilter.Length, merge)
                : xml.Replace($"</{prefix}sheetData>", $"</{prefix}sheetData>{merge}");
            var replaced = zip.CreateEntry(entry.FullName);
            using var writer = new StreamWriter(replaced.Open());
            writer.Write(xml);
        }
        Settle(name);
    }

    /// <summary>A symbolic link in the folder to <paramref name="target"/> (anywhere, existing or not).</summary>
    public void Link(string name, string target) => File.CreateSymbolicLink(System.IO.Path.Combine(Path, name), target);

    /// <summary>A FIFO (named pipe) in the folder: opening it for reading blocks until a writer comes.</summary>
    public void Fifo(string name)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [System.IO.Path.Combine(Path, name)]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Settle(string name, TimeSpan? age = null) =>
        File.SetLastWriteTimeUtc(System.IO.Path.Combine(Path, name), (Harness.Clock.GetUtcNow() - (age ?? TimeSpan.FromHours(1))).UtcDateTime);

    public void Delete(string name) => File.Delete(System.IO.Path.Combine(Path, name));

    /// <summary>A files source named "drops" with one stream over this folder: check-in style CSV.</summary>
    public SourceOptions Source(Action<StreamOptions>? configure = null)
    {
        var stream = new StreamOptions
        {
            Name = "reports", Folder = Path, Pattern = "*.*", Timestamp = "submitted_at", TimestampKind = "local",
            Unit = "unit_code", Code = "form", Measures = new() { ["count"] = "*", ["fields"] = "fields" },
            Categories = new() { ["F1"] = "report_form", ["F2"] = "report_form", ["CHK"] = "check_in" },
        };
        configure?.Invoke(stream);
        return new SourceOptions { Name = "drops", Provider = "files", TimeZone = "Asia/Shanghai", Streams = [stream] };
    }
}
