using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectLB.Providers.Model;

/// <summary>
/// The client address blocks a listener admits: canonical CIDR blocks ("10.0.0.0/8", "fd00::/8"), IPv4 and IPv6,
/// distinct and sorted. Compared by value, so two listener specs with the same blocks are equal. A client from no block
/// is refused at the load balancer; where a listener has none (null), every client is admitted.
/// On the wire and in the journal it is an array of strings; reading one that holds no valid block fails.
/// </summary>
[JsonConverter(typeof(SourceRangesJsonConverter))]
public sealed class SourceRanges : IEquatable<SourceRanges>
{
    private readonly ImmutableArray<IPNetwork> _networks;

    private SourceRanges(ImmutableArray<IPNetwork> networks)
    {
        _networks = networks;
        Blocks = [.. networks.Select(n => n.ToString())];
    }

    /// <summary>The blocks in canonical form, IPv4 first, each family in address order.</summary>
    public ImmutableArray<string> Blocks { get; }

    /// <summary>The blocks as given, canonicalized; <see cref="ArgumentException"/> names the first that is not a CIDR block.</summary>
    /// <exception cref="ArgumentException">A block is malformed, or there are none.</exception>
    public static SourceRanges Of(IEnumerable<string> blocks)
    {
        var networks = new List<IPNetwork>();
        foreach (var block in blocks)
        {
            networks.Add(TryParseBlock(block, out var network)
                ? network
                : throw new ArgumentException($"'{block}' is not a CIDR block such as 10.0.0.0/8 or fd00::/8"));
        }

        return networks.Count > 0
            ? new SourceRanges([.. networks.Distinct().OrderBy(n => n.BaseAddress.AddressFamily).ThenBy(n => n.BaseAddress, AddressOrder.Instance).ThenBy(n => n.PrefixLength)])
            : throw new ArgumentException("source ranges need at least one CIDR block");
    }

    /// <summary>
    /// One CIDR block: an address, '/', a prefix length in ASCII digits without a leading zero. IPv4 must be written
    /// canonically (no leading zeros, four parts), IPv6 without a zone or brackets. Bits past the prefix are cleared, as Kubernetes does ("10.1.2.3/8" is
    /// 10.0.0.0/8).
    /// </summary>
    public static bool TryParseBlock(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var prefixText = slash < 0 ? "" : text[(slash + 1)..];
        if (slash <= 0 || prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0')
            || !text[..slash].All(c => char.IsAsciiHexDigit(c) || c is '.' or ':') || !IPAddress.TryParse(text.AsSpan(0, slash), out var address))
        {
            return false;
        }

        var prefix = int.Parse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits || (address.AddressFamily == AddressFamily.InterNetwork && address.ToString() != text[..slash]))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bits; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }

    /// <summary>Whether a client from <paramref name="client"/> may connect. An IPv4 client on an IPv6 socket counts as IPv4.</summary>
    public bool Admits(IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return _networks.Any(n => n.Contains(address));
    }

    public bool Equals(SourceRanges? other) => other is not null && Blocks.SequenceEqual(other.Blocks, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SourceRanges);

    public override int GetHashCode() => Blocks.Aggregate(0, (hash, block) => HashCode.Combine(hash, block));

    public override string ToString() => string.Join(", ", Blocks);

    /// <summary>Addresses by their bytes (9.0.0.0 before 10.0.0.0, as numbers), so the order does not depend on how they were given.</summary>
    private sealed class AddressOrder : IComparer<IPAddress>
    {
        public static AddressOrder Instance { get; } = new();

        public int Compare(IPAddress? x, IPAddress? y) => x!.GetAddressBytes().AsSpan().SequenceCompareTo(y!.GetAddressBytes());
    }
}

/// <summary>A <see cref="SourceRanges"/> as a JSON array of CIDR strings; a malformed or empty one is refused.</summary>
public sealed class SourceRangesJsonConverter : JsonConverter<SourceRanges>
{
    public override SourceRanges Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var blocks = JsonSerializer.Deserialize<string[]>(ref reader, options) ?? throw new JsonException("source ranges must be an array of CIDR blocks");
        try
        {
            return SourceRanges.Of(blocks);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, SourceRanges value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var block in value.Blocks)
        {
            writer.WriteStringValue(block);
        }

        writer.WriteEndArray();
    }
}
