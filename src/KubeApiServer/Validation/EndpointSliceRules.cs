using System.Text.Json.Nodes;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// discovery validation.go <c>ValidateEndpointSlice</c> (1.33+ order: address type, ports, endpoints): each endpoint's
/// addresses of the slice's type and not special (<see cref="IpRules.NonSpecial"/>), hostnames and node names, port
/// names unique DNS labels with a known protocol. Port numbers and endpoint conditions are not validated, as in the real
/// server.
/// </summary>
internal static class EndpointSliceRules
{
    private const int MaxEndpoints = 1000;
    private const int MaxAddresses = 100;
    private const int MaxPorts = 20000;

    public static void Check(FieldErrors errors, JsonObject slice, bool allowLoopback)
    {
        var addressType = slice["addressType"]?.GetValue<string>() ?? "";
        if (addressType.Length == 0)
        {
            errors.Required("addressType");
        }
        else if (addressType is not ("IPv4" or "IPv6" or "FQDN"))
        {
            errors.NotSupported("addressType", addressType, "FQDN", "IPv4", "IPv6");
        }
        Ports(errors, slice["ports"] as JsonArray ?? []);
        Endpoints(errors, slice["endpoints"] as JsonArray ?? [], addressType, allowLoopback);
    }

    private static void Ports(FieldErrors errors, JsonArray ports)
    {
        if (ports.Count > MaxPorts)
        {
            errors.TooMany("ports", ports.Count, MaxPorts);
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var name = port["name"]?.GetValue<string>() ?? "";
            if (name.Length > 0)
            {
                errors.InvalidEach($"ports[{i}].name", name, NameRules.Dns1123Label(name));
            }
            if (!names.Add(name))
            {
                errors.Duplicate($"ports[{i}].name", FieldErrors.Quote(name));
            }
            ServiceRules.Protocols(errors, port, $"ports[{i}]");
        }
    }

    private static void Endpoints(FieldErrors errors, JsonArray endpoints, string addressType, bool allowLoopback)
    {
        if (endpoints.Count > MaxEndpoints)
        {
            errors.TooMany("endpoints", endpoints.Count, MaxEndpoints);
            return;
        }
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i] as JsonObject ?? [];
            var path = $"endpoints[{i}]";
            var addresses = endpoint["addresses"] as JsonArray ?? [];
            if (addresses.Count == 0)
            {
                errors.Required($"{path}.addresses", "must contain at least 1 address");
            }
            else if (addresses.Count > MaxAddresses)
            {
                errors.TooMany($"{path}.addresses", addresses.Count, MaxAddresses);
            }
            for (var j = 0; j < addresses.Count; j++)
            {
                Address(errors, i, j, addresses[j]?.GetValue<string>() ?? "", addressType, allowLoopback);
            }
            if (Text(endpoint, "nodeName") is { } nodeName)
            {
                errors.InvalidEach($"{path}.nodeName", nodeName, NameRules.Dns1123Subdomain(nodeName));
            }
            if (Text(endpoint, "hostname") is { } hostname)
            {
                errors.InvalidEach($"{path}.hostname", hostname, NameRules.Dns1123Label(hostname));
            }
        }
    }

    private static void Address(FieldErrors errors, int endpoint, int index, string address, string addressType, bool allowLoopback)
    {
        switch (addressType)
        {
            case "IPv4" or "IPv6":
                var parsed = IpRules.Parse(address);
                var ofType = parsed is not null
                    && (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || parsed.IsIPv4MappedToIPv6) == (addressType == "IPv4");
                var special = IpRules.NonSpecial(address, parsed, allowLoopback);
                if (ofType && !special.Any())
                {
                    return; // every address of every slice write: its path is named only when there is something to say
                }
                if (!ofType)
                {
                    errors.Invalid(AddressPath(endpoint, index), address, $"must be a valid {addressType} address");
                }
                errors.InvalidEach(AddressPath(endpoint, index), address, special);
                break;
            case "FQDN":
                var name = address.EndsWith('.') ? address[..^1] : address;
                if (name.Length == 0)
                {
                    errors.Required(AddressPath(endpoint, index));
                }
                else
                {
                    errors.InvalidEach(AddressPath(endpoint, index), address, NameRules.Dns1123Subdomain(name));
                    if (!name.Contains('.', StringComparison.Ordinal))
                    {
                        errors.Invalid(AddressPath(endpoint, index), address, "should be a domain with at least two segments separated by dots");
                    }
                }
                break;
        }
    }

    private static string AddressPath(int endpoint, int index) => $"endpoints[{endpoint}].addresses[{index}]";
}
