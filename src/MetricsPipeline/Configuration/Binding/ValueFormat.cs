using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MetricsPipeline.Configuration.Binding;

/// <summary>Converts a configuration value the way the binder will, and says in words what was expected when it cannot.</summary>
internal static partial class ValueFormat
{
    [GeneratedRegex(@"^\s*[+-]?\d+\s*$")]
    private static partial Regex BareInteger();

    /// <summary>Null when <paramref name="value"/> converts to <paramref name="type"/>; otherwise what a valid value looks like.</summary>
    public static string? Problem(string value, Type type)
    {
        if (type == typeof(string) || type == typeof(object))
            return null;
        if (type == typeof(DateOnly))
            // The binder would also take "01/02/2024" (invariant culture, month first); configuration dates are ISO only.
            return DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : Describe(type);
        if (type == typeof(TimeSpan) && BareInteger().IsMatch(value))
            // TimeSpan.Parse reads "10" as ten days: almost never what was meant.
            return Describe(type) + "; a bare number would be read as days, so write the unit out";
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception)
        {
            // Converters throw FormatException, ArgumentException or NotSupportedException by type; any of them means "not this".
            return Describe(type);
        }
    }

    /// <summary>What a value of <paramref name="type"/> looks like, for error messages.</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        // A value type of the product's own says in words what it takes (DisplayLanguage: "zh-CN ... or en ...").
        if (type.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute own, ..])
            return "one of: " + own.Description;
        if (type.IsEnum)
            return "one of: " + string.Join(", ", Enum.GetNames(type));
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "a whole number",
            TypeCode.Decimal or TypeCode.Double or TypeCode.Single => "a number (a dot for decimals, e.g. 0.5)",
            TypeCode.DateTime => "a date and time (yyyy-MM-ddTHH:mm:ss)",
            _ when type == typeof(TimeSpan) => "a duration as [d.]hh:mm:ss (e.g. 00:10:00 for ten minutes, 2.00:00:00 for two days)",
            _ when type == typeof(DateOnly) => "a date that exists, as yyyy-MM-dd",
            _ when type == typeof(DateTimeOffset) => "a date and time with an offset (yyyy-MM-ddTHH:mm:ss+08:00)",
            _ => $"a valid {type.Name}",
        };
    }
}
