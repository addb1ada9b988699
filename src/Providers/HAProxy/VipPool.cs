using System.Buffers.Binary;
using System.Net;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// The IPv4 block load balancer addresses come from. Stateless: the addresses in use are whatever the model
/// holds, so a DirectLB restart cannot leak or double-assign an address.
/// </summary>
internal sealed class VipPool
{
    private readonly uint _first;
    private readonly uint _last;
    private readonly string _cidr;

    public VipPool(string cidr)
    {
        _cidr = cidr;
        var parts = cidr.Split('/');
        var prefix = int.Parse(parts[1]);
        var mask = uint.MaxValue << (32 - prefix);
        var start = BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(parts[0]).GetAddressBytes()) & mask;

        // Network and broadcast addresses are skipped, as a cloud would.
        _first = start + 1;
        _last = (start | ~mask) - 1;
    }

    /// <summary>The lowest address not in <paramref name="used"/>.</summary>
    /// <exception cref="ProviderException">The pool is exhausted (not retryable until a load balancer is deleted).</exception>
    public string Next(IEnumerable<string> used)
    {
        var taken = used.ToHashSet(StringComparer.Ordinal);
        var bytes = new byte[4];
        for (var candidate = _first; candidate <= _last; candidate++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, candidate);
            var address = new IPAddress(bytes).ToString();
            if (!taken.Contains(address))
            {
                return address;
            }
        }

        throw new ProviderException($"the VIP pool {_cidr} has no free address", retryable: false);
    }

    /// <summary><paramref name="address"/> itself, when it is in the pool and not in <paramref name="used"/>.</summary>
    /// <exception cref="AddressUnavailableException">It is not.</exception>
    public string Claim(string address, IEnumerable<string> used)
    {
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || BinaryPrimitives.ReadUInt32BigEndian(parsed.GetAddressBytes()) is var value && (value < _first || value > _last))
        {
            throw new AddressUnavailableException($"address {address} is not in the VIP pool {_cidr}");
        }

        if (used.Contains(parsed.ToString(), StringComparer.Ordinal))
        {
            throw new AddressUnavailableException($"address {address} of the VIP pool {_cidr} belongs to another load balancer");
        }

        return parsed.ToString();
    }

    /// <summary>The address at <paramref name="vip"/>'s place in <paramref name="bindPool"/>, a block of the pool's size.</summary>
    public static string Translate(string vip, string vipPool, string bindPool)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Network(bindPool) + (Value(vip) - Network(vipPool)));
        return new IPAddress(bytes).ToString();
    }

    private static uint Value(string address) => BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(address).GetAddressBytes());

    private static uint Network(string cidr)
    {
        var parts = cidr.Split('/');
        return Value(parts[0]) & (uint.MaxValue << (32 - int.Parse(parts[1])));
    }
}
