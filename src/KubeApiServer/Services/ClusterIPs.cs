using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Services;

/// <summary>
/// A Service's IP families and cluster IPs, as the real server's allocator sets them (pkg/registry/core/service/storage
/// alloc.go: <c>initIPFamilyFields</c>, <c>allocClusterIPs</c>; storage.go: <c>normalizeClusterIPs</c>,
/// <c>patchAllocatedValues</c>): <c>ipFamilyPolicy</c> SingleStack and <c>ipFamilies</c> the cluster's primary family unless
/// asked otherwise, one cluster IP per family, kept across updates that leave them out, and never changed once set.
/// </summary>
internal sealed class ClusterIPs
{
    private readonly List<Family> _families;

    public ClusterIPs(ServiceNetwork network)
    {
        _families = [.. network.Ranges().Select(r => new Family(r))];
        if (_families.Count is 0 or > 2 || _families.Select(f => f.Name).Distinct().Count() != _families.Count)
        {
            throw new ArgumentException("the cluster IP ranges must be one CIDR, or one IPv4 and one IPv6 CIDR", nameof(network));
        }
    }

    /// <summary>The address offsets a stored Service holds, per family.</summary>
    public IEnumerable<(Family Family, int Offset)> Held(JsonObject spec)
    {
        foreach (var ip in Strings(spec, "clusterIPs"))
        {
            if (IPAddress.TryParse(ip, out var address) && _families.FirstOrDefault(f => f.Contains(address)) is { } family)
            {
                yield return (family, family.OffsetOf(address));
            }
        }
    }

    /// <summary>Sets families and cluster IPs of a Service being created or updated (<paramref name="before"/> null on create).</summary>
    public void Assign(Writing write, JsonObject spec, JsonObject? before)
    {
        if (Text(spec, "type") == "ExternalName")
        {
            foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
            {
                spec.Remove(field);
            }
            return;
        }
        var old = before is not null && Text(before, "type") != "ExternalName" ? before : null;
        Normalize(spec, old);
        var ips = Strings(spec, "clusterIPs");
        var headless = ips.FirstOrDefault() == "None";
        var selectorless = spec["selector"] is not JsonObject { Count: > 0 };
        if (headless && Text(spec, "type") is "NodePort" or "LoadBalancer")
        {
            throw write.Invalid($"spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for {Text(spec, "type")} services");
        }
        var policy = Text(spec, "ipFamilyPolicy") ?? (old is not null ? Text(old, "ipFamilyPolicy") : null)
            ?? (headless && selectorless ? "RequireDualStack" : "SingleStack");
        var families = Strings(spec, "ipFamilies");
        if (old is not null && policy == "SingleStack")
        {
            // Setting the policy to single stack is the intent to give the second family back (a dual-stack downgrade).
            if (ips.Count > 1 && ips.SequenceEqual(Strings(old, "clusterIPs")))
            {
                ips = ips[..1];
            }
            if (families.Count > 1 && families.SequenceEqual(Strings(old, "ipFamilies")))
            {
                families = families[..1];
            }
        }
        families = Families(write, families, ips, policy, headless && selectorless);
        if (old is not null)
        {
            CheckUnchanged(write, "clusterIPs", ips, Strings(old, "clusterIPs"));
            CheckUnchanged(write, "ipFamilies", families, Strings(old, "ipFamilies"));
        }
        spec["ipFamilyPolicy"] = policy;
        spec["ipFamilies"] = new JsonArray([.. families.Select(f => (JsonNode)f)]);
        if (headless)
        {
            spec["clusterIP"] = "None";
            spec["clusterIPs"] = new JsonArray("None");
            return;
        }
        var held = old is null ? [] : Held(old).ToHashSet();
        var assigned = new List<string>();
        for (var i = 0; i < families.Count; i++)
        {
            var family = _families.First(f => f.Name == families[i]);
            assigned.Add(i < ips.Count ? Claim(write, family, ips[i], i, held) : family.Next(write));
        }
        spec["clusterIP"] = assigned[0];
        spec["clusterIPs"] = new JsonArray([.. assigned.Select(a => (JsonNode)a)]);
    }

    // clusterIP alone stands for clusterIPs; on an update, what the writer left out is what is stored.
    private static void Normalize(JsonObject spec, JsonObject? old)
    {
        var ip = Text(spec, "clusterIP");
        var ips = Strings(spec, "clusterIPs");
        if (old is not null)
        {
            if (ip is null && ips.Count == 0)
            {
                spec["clusterIPs"] = old["clusterIPs"]?.DeepClone();
                return;
            }
            if (ip is not null && ip != Text(old, "clusterIP") && ips.SequenceEqual(Strings(old, "clusterIPs")))
            {
                spec["clusterIPs"] = new JsonArray(ip);
                return;
            }
        }
        if (ips.Count == 0 && ip is not null)
        {
            spec["clusterIPs"] = new JsonArray(ip);
        }
    }

    private List<string> Families(Writing write, List<string> families, List<string> ips, string policy, bool headlessSelectorless)
    {
        if (policy is not ("SingleStack" or "PreferDualStack" or "RequireDualStack"))
        {
            throw write.Invalid($"spec.ipFamilyPolicy: Unsupported value: \"{policy}\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"");
        }
        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] is not ("IPv4" or "IPv6"))
            {
                throw write.Invalid($"spec.ipFamilies[{i}]: Unsupported value: \"{families[i]}\": supported values: \"IPv4\", \"IPv6\"");
            }
        }
        if (headlessSelectorless)
        {
            // Only a name in DNS: both families, whatever the cluster has.
            return families.Count == 0 ? ["IPv4", "IPv6"] : families.Count == 1 ? [families[0], families[0] == "IPv4" ? "IPv6" : "IPv4"] : families;
        }
        if (families.Count == 0)
        {
            families = [.. ips.Where(ip => ip != "None").Select(ip => IPAddress.TryParse(ip, out var a) ? Family.NameOf(a) : "")];
        }
        if (families.Count == 0)
        {
            families = [_families[0].Name];
        }
        if (policy == "RequireDualStack" && _families.Count == 1)
        {
            throw write.Invalid("spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services");
        }
        if (policy != "SingleStack" && families.Count == 1 && _families.Count == 2)
        {
            families.Add(families[0] == "IPv4" ? "IPv6" : "IPv4");
        }
        if (policy == "SingleStack" && families.Count > 1)
        {
            throw write.Invalid("spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified");
        }
        for (var i = 0; i < families.Count; i++)
        {
            if (_families.All(f => f.Name != families[i]))
            {
                throw write.Invalid($"spec.ipFamilies[{i}]: Invalid value: \"{families[i]}\": not configured on this cluster");
            }
        }
        if (families.Count == 2 && families[0] == families[1])
        {
            throw write.Invalid($"spec.ipFamilies[1]: Duplicate value: \"{families[1]}\"");
        }
        return families;
    }

    private static void CheckUnchanged(Writing write, string field, List<string> now, List<string> before)
    {
        if (now.Count > 0 && before.Count > 0 && now[0] != before[0])
        {
            throw write.Invalid($"spec.{field}[0]: Invalid value: []string{{{string.Join(", ", now.Select(v => $"\"{v}\""))}}}: may not change once set");
        }
    }

    private static string Claim(Writing write, Family family, string ip, int index, HashSet<(Family, int)> held)
    {
        string Failed(string why) => $"spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: {why}";
        if (!IPAddress.TryParse(ip, out var address) || Family.NameOf(address) != family.Name)
        {
            throw write.Invalid($"spec.clusterIPs[{index}]: Invalid value: \"{ip}\": expected an {family.Name} value as indicated by `ipFamilies[{index}]`");
        }
        if (!family.Contains(address))
        {
            throw write.Invalid(Failed($"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {family.Range}"));
        }
        var offset = family.OffsetOf(address);
        if (family.Allocator.IsTaken(offset) && !held.Contains((family, offset)))
        {
            throw write.Invalid(Failed("provided IP is already allocated"));
        }
        return ip;
    }

    private static List<string> Strings(JsonObject spec, string field) =>
        spec[field] is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "")] : [];

    /// <summary>One family's range: its usable addresses are those between the network and broadcast addresses.</summary>
    internal sealed class Family
    {
        private const int MaxAddresses = 1 << 24;
        private readonly UInt128 _base;
        private readonly bool _v4;

        public Family(IPNetwork range)
        {
            Range = range;
            _v4 = range.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
            var bits = (_v4 ? 32 : 128) - range.PrefixLength;
            if (bits > 24 || bits < 2)
            {
                throw new ArgumentException($"the cluster IP range {range} must hold between 4 and {MaxAddresses} addresses", nameof(range));
            }
            _base = ToNumber(range.BaseAddress);
            var size = 1 << bits;
            Allocator = new BandAllocator(_v4 ? size - 2 : size - 1, BandAllocator.LowerBand(size, step: 16, max: 256));
        }

        public IPNetwork Range { get; }

        public string Name => _v4 ? "IPv4" : "IPv6";

        public BandAllocator Allocator { get; }

        public static string NameOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

        public bool Contains(IPAddress address) =>
            Range.Contains(address) && ToNumber(address) - _base is var i && i >= 1 && i <= (UInt128)Allocator.Size;

        public int OffsetOf(IPAddress address) => (int)(ToNumber(address) - _base - 1);

        public string Next(Writing write)
        {
            var offset = Allocator.Next(write.Chosen(this)) ?? throw KubeApiException.Internal("failed to allocate a serviceIP: range is full");
            write.Chosen(this).Add(offset);
            return FromNumber(_base + 1 + (UInt128)offset).ToString();
        }

        private static UInt128 ToNumber(IPAddress address)
        {
            UInt128 n = 0;
            foreach (var b in address.GetAddressBytes())
            {
                n = (n << 8) | b;
            }
            return n;
        }

        private IPAddress FromNumber(UInt128 n)
        {
            var bytes = new byte[_v4 ? 4 : 16];
            for (var i = bytes.Length - 1; i >= 0; i--, n >>= 8)
            {
                bytes[i] = (byte)(n & 0xff);
            }
            return new IPAddress(bytes);
        }
    }
}
