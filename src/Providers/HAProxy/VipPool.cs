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
}
