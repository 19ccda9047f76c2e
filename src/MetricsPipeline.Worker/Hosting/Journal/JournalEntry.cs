using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MetricsPipeline.Worker.Hosting.Journal;

/// <summary>
/// One journal entry serialised as the journal's native protocol wants it (systemd.io/JOURNAL_NATIVE_PROTOCOL): a field
/// per line, <c>NAME=value\n</c>; a value holding a newline goes in the binary form, <c>NAME\n</c>, its length in bytes as
/// a 64-bit little-endian integer, the value, <c>\n</c>. Values are UTF-8. A name may occur once, except where
/// <see cref="AddRepeated"/> says otherwise (the journal keeps every value of a repeated field).
/// </summary>
internal sealed class JournalEntry
{
    private readonly ArrayBufferWriter<byte> _payload = new(512);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The serialised fields, ready to be one datagram.</summary>
    public ReadOnlySpan<byte> Payload => _payload.WrittenSpan;

    /// <summary>Adds the field unless the entry has one of that name already (the first value wins); false when it had.</summary>
    /// <exception cref="ArgumentException">The name is not one the journal takes (see <see cref="JournalFieldName.IsValid"/>).</exception>
    public bool Add(string name, string value)
    {
        if (!JournalFieldName.IsValid(name))
            throw new ArgumentException($"'{name}' is not a journal field name ([A-Z0-9_], 1-64 characters, not starting with _ or a digit)", nameof(name));
        if (!_names.Add(name))
            return false;
        Write(name, value);
        return true;
    }

    /// <summary>Adds one more value of a field that may repeat.</summary>
    public void AddRepeated(string name, string value)
    {
        if (!JournalFieldName.IsValid(name))
            throw new ArgumentException($"'{name}' is not a journal field name", nameof(name));
        _names.Add(name);
        Write(name, value);
    }

    public bool Contains(string name) => _names.Contains(name);

    private void Write(string name, string value)
    {
        Ascii(name);
        if (value.Contains('\n'))
        {
            _payload.Write("\n"u8);
            var length = Encoding.UTF8.GetByteCount(value);
            BinaryPrimitives.WriteUInt64LittleEndian(_payload.GetSpan(sizeof(ulong)), (ulong)length);
            _payload.Advance(sizeof(ulong));
        }
        else
            _payload.Write("="u8);
        var written = Encoding.UTF8.GetBytes(value, _payload.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length)));
        _payload.Advance(written);
        _payload.Write("\n"u8);
    }

    private void Ascii(string name)
    {
        var written = Encoding.ASCII.GetBytes(name, _payload.GetSpan(name.Length));
        _payload.Advance(written);
    }
}
