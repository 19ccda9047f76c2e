using System.Buffers.Binary;
using System.Text;

namespace MetricsPipeline.Tests.Infrastructure;

/// <summary>
/// Reads a journal native-protocol payload as journald does (systemd.io/JOURNAL_NATIVE_PROTOCOL), written here apart from
/// the product's writer: fields one after another, <c>NAME=value\n</c>, or <c>NAME\n</c> + 64-bit little-endian length +
/// value + <c>\n</c>. Anything else is an error naming the offset.
/// </summary>
public static class JournalWire
{
    public static JournalRecord Parse(ReadOnlySpan<byte> payload)
    {
        var fields = new List<(string Name, string Value)>();
        var position = 0;
        while (position < payload.Length)
        {
            var rest = payload[position..];
            var newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
                throw new FormatException($"field at offset {position} has no end of line");
            var line = rest[..newline];
            var equals = line.IndexOf((byte)'=');
            if (equals >= 0)
            {
                fields.Add((Encoding.ASCII.GetString(line[..equals]), Encoding.UTF8.GetString(line[(equals + 1)..])));
                position += newline + 1;
                continue;
            }
            var lengthAt = newline + 1;
            if (rest.Length < lengthAt + 8)
                throw new FormatException($"binary field '{Encoding.ASCII.GetString(line)}' at offset {position} has no length");
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(rest[lengthAt..]));
            var valueAt = lengthAt + 8;
            if (rest.Length < valueAt + length + 1 || rest[valueAt + length] != (byte)'\n')
                throw new FormatException($"binary field '{Encoding.ASCII.GetString(line)}' at offset {position}: {length} bytes and a newline do not follow");
            fields.Add((Encoding.ASCII.GetString(line), Encoding.UTF8.GetString(rest.Slice(valueAt, length))));
            position += valueAt + length + 1;
        }
        return new JournalRecord(fields);
    }
}

/// <summary>One journal entry as fields in the order sent; a name may repeat.</summary>
public sealed record JournalRecord(IReadOnlyList<(string Name, string Value)> Fields)
{
    /// <summary>The first value of the field, or null.</summary>
    public string? this[string name] => Fields.Where(f => f.Name == name).Select(f => f.Value).FirstOrDefault();

    public IEnumerable<string> Values(string name) => Fields.Where(f => f.Name == name).Select(f => f.Value);

    public override string ToString() => string.Join(" ", Fields.Select(f => $"{f.Name}={(f.Value.Contains('\n') ? f.Value[..f.Value.IndexOf('\n')] + "…" : f.Value)}"));
}
