using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetricsPipeline.Configuration;

/// <summary>
/// The language of what people read: the report and the CLI tables (<c>Pipeline:Language</c>). Chinese
/// first: the readers are Chinese cadres and analysts; English on request. Only the two codes are taken,
/// matched case-insensitively, so a typo ("zh", "cn", "english") stops start-up instead of quietly falling back.
/// </summary>
[TypeConverter(typeof(DisplayLanguageConverter))]
[JsonConverter(typeof(DisplayLanguageJsonConverter))]
[Description("zh-CN (Chinese, the default) or en (English)")]
public sealed class DisplayLanguage
{
    public static readonly DisplayLanguage Chinese = new("zh-CN");
    public static readonly DisplayLanguage English = new("en");

    private DisplayLanguage(string code) => Code = code;

    /// <summary>The code as configured and as written into the page's lang attribute.</summary>
    public string Code { get; }

    public bool IsChinese => ReferenceEquals(this, Chinese);

    /// <summary>Picks the Chinese or the English text.</summary>
    public string Pick(string zh, string en) => IsChinese ? zh : en;

    public static DisplayLanguage Parse(string text) => TryParse(text)
        ?? throw new FormatException($"'{text}' is not a language: use zh-CN (Chinese, the default) or en (English)");

    public static DisplayLanguage? TryParse(string? text) => text?.Trim() switch
    {
        { } t when t.Equals(Chinese.Code, StringComparison.OrdinalIgnoreCase) => Chinese,
        { } t when t.Equals(English.Code, StringComparison.OrdinalIgnoreCase) => English,
        _ => null,
    };

    public override string ToString() => Code;
}

/// <summary>Lets the configuration binder (and the strict check before it) read "zh-CN" and "en".</summary>
public sealed class DisplayLanguageConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? DisplayLanguage.Parse(text) : base.ConvertFrom(context, culture, value);
}

/// <summary>Writes the language as its code, so a serialised PipelineOptions (the demo's settings file) reads back.</summary>
public sealed class DisplayLanguageJsonConverter : JsonConverter<DisplayLanguage>
{
    public override DisplayLanguage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DisplayLanguage.TryParse(reader.GetString()) ?? throw new JsonException($"'{reader.GetString()}' is not zh-CN or en");

    public override void Write(Utf8JsonWriter writer, DisplayLanguage value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Code);
}
