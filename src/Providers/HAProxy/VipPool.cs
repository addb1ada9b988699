using System.Net;
using System.Net.Sockets;
using static DirectLB.Providers.AddressArithmetic;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// A block load balancer addresses come from, IPv4 or IPv6. Stateless: the addresses in use are whatever the model
/// holds, so a DirectLB restart cannot leak or double-assign an address.
/// </summary>
internal sealed class VipPool
{
    private readonly UInt128 _first;
    private readonly UInt128 _last;
    private readonly string _cidr;

    public VipPool(string cidr)
    {
        _cidr = cidr;
        var parts = cidr.Split('/');
        var network = IPAddress.Parse(parts[0]);
        Family = network.AddressFamily;
        var prefix = int.Parse(parts[1]);
        var hosts = HostMask(Family, prefix);
        var start = Value(network) & ~hosts;
        if (Family == AddressFamily.InterNetwork)
        {
            // Network and broadcast addresses are skipped, as a cloud would.
            _first = start + 1;
            _last = (start | hosts) - 1;
        }
        else
        {
            // IPv6 has no broadcast; the block's first address is the subnet-router anycast, skipped unless it is all there is.
            _first = prefix >= 127 ? start : start + 1;
            _last = start | hosts;
        }
    }

    public AddressFamily Family { get; }

    /// <summary>The lowest address not in <paramref name="used"/>.</summary>
    /// <exception cref="ProviderException">The pool is exhausted (not retryable until a load balancer is deleted).</exception>
    public string Next(IEnumerable<string> used)
    {
        var taken = used.ToHashSet(StringComparer.Ordinal);
        for (var candidate = _first; candidate <= _last; candidate++)
        {
            var address = ToAddress(candidate, Family).ToString();
            if (!taken.Contains(address))
            {
                return address;
            }

            if (candidate == UInt128.MaxValue)
            {
                break;
            }
        }

        throw new ProviderException($"the VIP pool {_cidr} has no free address", retryable: false);
    }

    /// <summary><paramref name="address"/> itself (canonical), when it is in the pool and not in <paramref name="used"/>.</summary>
    /// <exception cref="AddressUnavailableException">It is not.</exception>
    public string Claim(string address, IEnumerable<string> used)
    {
        if (!Holds(address))
        {
            throw new AddressUnavailableException($"address {address} is not in the VIP pool {_cidr}");
        }

        var canonical = IPAddress.Parse(address).ToString();
        if (used.Contains(canonical, StringComparer.Ordinal))
        {
            throw new AddressUnavailableException($"address {canonical} of the VIP pool {_cidr} belongs to another load balancer");
        }

        return canonical;
    }

    /// <summary>Whether <paramref name="address"/> is an address of this pool's family in its block.</summary>
    public bool Holds(string address) =>
        IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == Family && !address.Contains('%')
        && Value(parsed) is var value && value >= _first && value <= _last;

    /// <summary>The address at <paramref name="vip"/>'s place in <paramref name="bindPool"/>, a block of the pool's size (IPv4).</summary>
    public static string Translate(string vip, string vipPool, string bindPool) =>
        ToAddress(Network(bindPool) + (Value(IPAddress.Parse(vip)) - Network(vipPool)), AddressFamily.InterNetwork).ToString();

    private static UInt128 Network(string cidr)
    {
        var parts = cidr.Split('/');
        var network = IPAddress.Parse(parts[0]);
        return Value(network) & ~HostMask(network.AddressFamily, int.Parse(parts[1]));
    }
}
