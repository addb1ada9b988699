using DirectLB.Providers.Model;

namespace DirectLB.Providers.Http.Contract;

/// <summary>The path segment naming a listener: <c>{protocol}-{port}</c>, e.g. <c>tcp-80</c>.</summary>
public static class ListenerSegment
{
    public static string Format(ListenerKey key) => $"{ProtocolName(key.Protocol)}-{key.Port}";

    /// <summary>The wire name of a protocol, as in JSON bodies: lower case.</summary>
    public static string ProtocolName(TransportProtocol protocol) => protocol.ToString().ToLowerInvariant();

    /// <summary>
    /// Parses a wire protocol name. Only names count: <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
    /// would also take "0", which the contract does not allow.
    /// </summary>
    public static bool TryParseProtocol(string name, out TransportProtocol protocol)
    {
        foreach (var candidate in Enum.GetValues<TransportProtocol>())
        {
            if (string.Equals(ProtocolName(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                protocol = candidate;
                return true;
            }
        }

        protocol = default;
        return false;
    }
}
