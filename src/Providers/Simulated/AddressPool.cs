using System.Net;
using System.Net.Sockets;
using DirectLB.Providers.Model;
using static DirectLB.Providers.AddressArithmetic;

namespace DirectLB.Providers.Simulated;

/// <summary>
/// Hands out addresses of one family from a CIDR block and takes them back. Like a cloud, it does not hand a freed
/// address out again at once: it goes on from the last one handed out, wrapping around, so a load balancer created
/// again after a deletion gets a new address while the pool has others.
/// </summary>
internal sealed class AddressPool
{
    private readonly UInt128 _first;
    private readonly UInt128 _last;
    private readonly AddressFamily _family;
    private readonly SortedSet<UInt128> _used = [];
    private readonly string _cidr;
    private UInt128 _next;

    /// <param name="cidr">IPv4 between /8 and /30, or IPv6 between /64 and /126.</param>
    public AddressPool(string cidr)
    {
        _cidr = cidr;
        var parts = cidr.Split('/');
        if (parts.Length != 2
            || !IPAddress.TryParse(parts[0], out var network) || parts[0].Contains('%')
            || !int.TryParse(parts[1], out var prefix)
            || (network.AddressFamily == AddressFamily.InterNetwork ? prefix is < 8 or > 30 : prefix is < 64 or > 126))
        {
            throw new ArgumentException($"address pool '{cidr}' is not an IPv4 CIDR block between /8 and /30 or an IPv6 one between /64 and /126");
        }

        _family = network.AddressFamily;
        var hosts = HostMask(_family, prefix);
        var start = Value(network) & ~hosts;
        // IPv4: no network or broadcast address. IPv6: no subnet-router anycast (the first); the last is kept off too.
        _first = start + 1;
        _last = (start | hosts) - 1;
        _next = _first;
    }

    public IpFamily Family => _family == AddressFamily.InterNetwork ? IpFamily.IPv4 : IpFamily.IPv6;

    public string Take()
    {
        for (var tried = UInt128.Zero; tried <= _last - _first; tried++)
        {
            var candidate = _next;
            _next = _next == _last ? _first : _next + 1;
            if (_used.Add(candidate))
            {
                return ToAddress(candidate, _family).ToString();
            }
        }

        throw new ProviderException($"the simulated address pool {_cidr} is exhausted", retryable: false);
    }

    /// <summary>
    /// <paramref name="address"/> itself (canonical), taken, when it is in the pool and free or it is
    /// <paramref name="held"/> (the address the caller has already).
    /// </summary>
    /// <exception cref="AddressUnavailableException">It is outside the pool or another load balancer's.</exception>
    public string Claim(string address, string? held)
    {
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != _family || address.Contains('%')
            || Value(parsed) is var value && (value < _first || value > _last))
        {
            throw new AddressUnavailableException($"address {address} is not in the simulated address pool {_cidr}");
        }

        var canonical = parsed.ToString();
        if (canonical != held && !_used.Add(value))
        {
            throw new AddressUnavailableException($"address {canonical} belongs to another load balancer");
        }

        return canonical;
    }

    public void Return(string address) => _used.Remove(Value(IPAddress.Parse(address)));
}
