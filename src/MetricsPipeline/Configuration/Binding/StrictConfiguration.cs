using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MetricsPipeline.Configuration.Binding;

/// <summary>
/// Checks configuration against the shape of the options classes it binds to, before anything is bound.
/// Microsoft's binder cannot be made strict on its own: it catches every exception thrown while binding an
/// element of a list or dictionary and drops that element (ConfigurationBinder.BindCollection has an empty
/// catch), so a source whose LookbackDays is "seven" vanished instead of stopping start-up, and
/// ErrorOnUnknownConfiguration inside Sources[] only made the element vanish for a second reason. This walks
/// the configuration tree with the options types beside it and names every key that no property has and
/// every value that does not convert, with its full path.
/// </summary>
public static class StrictConfiguration
{
    /// <summary>Adds one problem per unknown key or unconvertible value under <paramref name="section"/>, read as <paramref name="type"/>.</summary>
    public static void Check(IConfigurationSection section, Type type, List<string> errors)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null)
            type = nullable;

        if (IsValue(type))
            CheckValue(section, type, allowEmpty: nullable is not null, errors);
        else if (DictionaryValueType(type) is { } valueType)
            CheckChildren(section, errors, child => Check(child, valueType, errors));
        else if (CollectionElementType(type) is { } elementType)
            CheckChildren(section, errors, child =>
            {
                if (!int.TryParse(child.Key, out var index) || index < 0)
                    errors.Add($"{child.Path}: '{child.Key}' is not a list index (a list's elements are numbered 0, 1, 2 ...)");
                else
                    Check(child, elementType, errors);
            });
        else
            CheckObject(section, type, errors);
    }

    /// <summary>Checks the keys of a section that holds named settings: each must be a property of <paramref name="type"/>.</summary>
    private static void CheckObject(IConfigurationSection section, Type type, List<string> errors)
    {
        var properties = Properties(type);
        CheckChildren(section, errors, child =>
        {
            if (properties.TryGetValue(child.Key, out var property))
                Check(child, property.PropertyType, errors);
            else
                errors.Add($"{child.Path}: unknown key; {KeySuggestion.For(child.Key, properties.Values.Select(p => KeyName(p)).Distinct())}");
        });
    }

    /// <summary>A section that should hold keys but holds a value ("Resilience": "fast") is refused; an empty one ([] or {} or null) is fine.</summary>
    private static void CheckChildren(IConfigurationSection section, List<string> errors, Action<IConfigurationSection> check)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            errors.Add($"{section.Path}: '{section.Value}' is a single value, but this key holds a section of settings (a JSON object or list)");
            return;
        }
        foreach (var child in children)
            check(child);
    }

    private static void CheckValue(IConfigurationSection section, Type type, bool allowEmpty, List<string> errors)
    {
        var children = section.GetChildren().Select(c => c.Key).ToList();
        if (children.Count > 0)
        {
            errors.Add($"{section.Path}: expected a single value ({ValueFormat.Describe(type)}), found a section with the key(s) {string.Join(", ", children)}");
            return;
        }
        if (section.Value is { } value && !(allowEmpty && value.Length == 0) && ValueFormat.Problem(value, type) is { } problem)
            errors.Add($"{section.Path}: '{value}' is not {problem}");
    }

    /// <summary>What the binder treats as one value: any type whose TypeConverter reads strings (strings, numbers, enums, TimeSpan, DateOnly ...).</summary>
    internal static bool IsValue(Type type) =>
        type == typeof(string) || type == typeof(object) || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? CollectionElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            return type.GetGenericArguments()[0];
        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
               ?? (typeof(IEnumerable).IsAssignableFrom(type) ? typeof(object) : null);
    }

    /// <summary>The keys the binder fills, matched as it matches them: case-insensitively, [ConfigurationKeyName] first.</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
                    properties.TryAdd(KeyName(property), property);
            }
        }
        return properties;
    }

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
}
