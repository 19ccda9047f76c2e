using System.Text;

namespace MetricsPipeline.Configuration;

/// <summary>Checks the file-drop settings of a files stream.</summary>
internal static class FileDropCompiler
{
    static FileDropCompiler() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance); // GB18030

    public static FileDropPlan? Compile(StreamOptions stream, string key, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(stream.Folder))
            errors.Add($"{key}:Folder: the folder files are dropped into is required for a files stream");
        if (string.IsNullOrWhiteSpace(stream.Pattern) || stream.Pattern.Contains('/') || stream.Pattern.Contains(".."))
            errors.Add($"{key}:Pattern: '{stream.Pattern}' must be a file name pattern such as *.csv");
        if (stream.Format is not (null or "csv" or "tsv" or "xlsx"))
            errors.Add($"{key}:Format: '{stream.Format}' must be csv, tsv or xlsx");
        var encoding = ParseEncoding(stream.Encoding);
        if (encoding is null)
            errors.Add($"{key}:Encoding: '{stream.Encoding}' must be utf-8 or gb18030");
        if (stream.SettleTime < TimeSpan.Zero)
            errors.Add($"{key}:SettleTime: must not be negative");
        if (stream.ReadTimeout <= TimeSpan.Zero || stream.ReadTimeout > TimeSpan.FromDays(1))
            errors.Add($"{key}:ReadTimeout: '{stream.ReadTimeout}' must be more than zero and at most one day (e.g. 00:10:00)");
        if (stream.OnRemoved is not ("keep" or "retract"))
            errors.Add($"{key}:OnRemoved: '{stream.OnRemoved}' must be keep or retract");
        return errors.Count == before
            ? new FileDropPlan(stream.Folder!, stream.Pattern, stream.Format, encoding!, stream.Sheet, stream.RequireDoneMarker,
                stream.SettleTime, stream.OnRemoved == "retract", stream.ReadTimeout, stream.AllowDigitGrouping)
            : null;
    }

    /// <summary>Strict decoders: bytes that are not valid in the declared encoding fail the file instead of turning into '?'.</summary>
    private static Encoding? ParseEncoding(string? name) => name?.ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        "gb18030" => Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        _ => null,
    };
}
