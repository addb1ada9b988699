using System.Buffers.Binary;
using System.Net;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// Hands out IPv4 addresses from a CIDR block and takes them back. Like a cloud, it does not hand a freed address out
/// again at once: it goes on from the last one handed out, wrapping around, so a load balancer created again after a
/// deletion gets a new address while the pool has others.
/// </summary>
internal sealed class AddressPool
{
    private readonly uint _first;
    private readonly uint _last;
    private readonly SortedSet<uint> _used = [];
    private uint _next;

    public AddressPool(string cidr)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2
            || !IPAddress.TryParse(parts[0], out var network)
            || network.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], out var prefix) || prefix is < 8 or > 30)
        {
            throw new ArgumentException($"address pool '{cidr}' is not an IPv4 CIDR block between /8 and /30");
        }

        var mask = uint.MaxValue << (32 - prefix);
        var start = BinaryPrimitives.ReadUInt32BigEndian(network.GetAddressBytes()) & mask;
        _first = start + 1;
        _last = (start | ~mask) - 1;
        _next = _first;
    }

    public string Take()
    {
        for (var tried = 0u; tried <= _last - _first; tried++)
        {
            var candidate = _next;
            _next = _next == _last ? _first : _next + 1;
            if (_used.Add(candidate))
            {
                return ToAddress(candidate);
            }
        }

        throw new ProviderException("the simulated address pool is exhausted", retryable: false);
    }

    /// <summary>
    /// <paramref name="address"/> itself, taken, when it is in the pool and free or it is <paramref name="held"/> (the
    /// address the caller has already).
    /// </summary>
    /// <exception cref="AddressUnavailableException">It is outside the pool or another load balancer's.</exception>
    public string Claim(string address, string? held)
    {
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || BinaryPrimitives.ReadUInt32BigEndian(parsed.GetAddressBytes()) is var value && (value < _first || value > _last))
        {
            throw new AddressUnavailableException($"address {address} is not in the simulated address pool");
        }

        var canonical = ToAddress(value);
        if (canonical != held && !_used.Add(value))
        {
            throw new AddressUnavailableException($"address {canonical} belongs to another load balancer");
        }

        return canonical;
    }

    public void Return(string address)
    {
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        _used.Remove(BinaryPrimitives.ReadUInt32BigEndian(bytes));
    }

    private static string ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
