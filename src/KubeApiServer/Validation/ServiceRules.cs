using System.Globalization;
using System.Text.Json.Nodes;
using static DirectLB.KubeApiServer.Services.ServiceDefaults;

namespace DirectLB.KubeApiServer.Validation;

/// <summary>
/// validation.go <c>ValidateService</c>, the checks of a Service's spec that run once defaults and allocated values
/// are in (the IP families, cluster IPs, node ports and <c>loadBalancerClass</c> changes are checked as they are
/// allocated, by the Service registry): ports, selector, session affinity, external IPs, type, duplicates, source
/// ranges and traffic policies, in the order the real server reports them. <c>spec.loadBalancerIP</c> is not validated
/// (as in the real server, which only warns).
/// </summary>
internal static class ServiceRules
{
    private const string SourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges";
    private const string LoadBalancerOnly = "may only be used when `type` is 'LoadBalancer'";

    public static void Check(FieldErrors errors, JsonObject service)
    {
        var spec = service["spec"] as JsonObject ?? [];
        var type = Text(spec, "type");
        var ports = (spec["ports"] as JsonArray ?? []).Select(p => p as JsonObject ?? []).ToList();
        var headless = Text(spec, "clusterIP") == "None";
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errors.Required("spec.ports");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            Port(errors, ports[i], $"spec.ports[{i}]", requireName: ports.Count > 1, names);
        }
        ObjectMetaRules.Labels(errors, spec["selector"] as JsonObject, "spec.selector");
        SessionAffinity(errors, spec);
        var externalIPs = spec["externalIPs"] as JsonArray ?? [];
        for (var i = 0; i < externalIPs.Count; i++)
        {
            var ip = externalIPs[i]?.GetValue<string>() ?? "";
            if (IpRules.Parse(ip) is not { } parsed)
            {
                errors.Invalid($"spec.externalIPs[{i}]", ip, IpRules.InvalidIp);
            }
            else
            {
                errors.InvalidEach($"spec.externalIPs[{i}]", ip, IpRules.NonSpecial(ip, parsed));
            }
        }
        if (type is not ("ClusterIP" or "ExternalName" or "LoadBalancer" or "NodePort"))
        {
            errors.NotSupported("spec.type", type ?? "", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
        }
        Duplicates(errors, ports);
        SourceRanges(errors, service, spec, type);
        if (spec["allocateLoadBalancerNodePorts"] is not null && type != "LoadBalancer")
        {
            errors.Forbidden("spec.allocateLoadBalancerNodePorts", LoadBalancerOnly);
        }
        if (type == "LoadBalancer" && Text(spec, "loadBalancerClass") is { } loadBalancerClass)
        {
            errors.InvalidEach("spec.loadBalancerClass", loadBalancerClass, NameRules.QualifiedName(loadBalancerClass));
        }
        var externallyAccessible = type is "NodePort" or "LoadBalancer" || externalIPs.Count > 0;
        if (Text(spec, "externalTrafficPolicy") is { } external)
        {
            if (!externallyAccessible)
            {
                errors.Invalid("spec.externalTrafficPolicy", external, "may only be set for externally-accessible services");
            }
            else if (external is not ("Cluster" or "Local"))
            {
                errors.NotSupported("spec.externalTrafficPolicy", external, "Cluster", "Local");
            }
        }
        if (Text(spec, "internalTrafficPolicy") is { } internalPolicy and not ("Cluster" or "Local"))
        {
            errors.NotSupported("spec.internalTrafficPolicy", internalPolicy, "Cluster", "Local");
        }
    }

    private static void Port(FieldErrors errors, JsonObject port, string path, bool requireName, HashSet<string> names)
    {
        var name = Text(port, "name") ?? "";
        if (requireName && name.Length == 0)
        {
            errors.Required($"{path}.name");
        }
        else if (name.Length > 0)
        {
            errors.InvalidEach($"{path}.name", name, NameRules.Dns1123Label(name));
            if (!names.Add(name))
            {
                errors.Duplicate($"{path}.name", FieldErrors.Quote(name));
            }
        }
        var number = Number(port, "port");
        foreach (var message in NameRules.PortNumber(number))
        {
            errors.Invalid($"{path}.port", number, message);
        }
        Protocols(errors, port, path);
        if (Text(port, "targetPort") is { } targetName)
        {
            errors.InvalidEach($"{path}.targetPort", targetName, NameRules.PortName(targetName));
        }
        else
        {
            var target = Number(port, "targetPort");
            foreach (var message in NameRules.PortNumber(target))
            {
                errors.Invalid($"{path}.targetPort", target, message);
            }
        }
    }

    /// <summary>A port's <c>protocol</c> and <c>appProtocol</c>, checked alike on a Service's ports and a slice's.</summary>
    public static void Protocols(FieldErrors errors, JsonObject port, string path)
    {
        var protocol = Text(port, "protocol") ?? "";
        if (protocol is not ("TCP" or "UDP" or "SCTP"))
        {
            errors.NotSupported($"{path}.protocol", protocol, "SCTP", "TCP", "UDP");
        }
        if (Text(port, "appProtocol") is { } appProtocol)
        {
            errors.InvalidEach($"{path}.appProtocol", appProtocol, NameRules.QualifiedName(appProtocol));
        }
    }

    private static void SessionAffinity(FieldErrors errors, JsonObject spec)
    {
        var affinity = Text(spec, "sessionAffinity") ?? "";
        if (affinity is not ("ClientIP" or "None"))
        {
            errors.NotSupported("spec.sessionAffinity", affinity, "ClientIP", "None");
        }
        else if (affinity == "ClientIP" && spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"] is JsonValue timeout)
        {
            if (long.TryParse(timeout.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is <= 0 or > 86400)
            {
                errors.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", seconds, "must be greater than 0 and less than 86400");
            }
        }
    }

    // Two ports with one protocol and node port, or one protocol and port: the real server prints the second as the Go
    // struct it compared.
    private static void Duplicates(FieldErrors errors, List<JsonObject> ports)
    {
        var nodePorts = new HashSet<(string?, long)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var nodePort = Number(ports[i], "nodePort");
            if (nodePort != 0 && !nodePorts.Add((Text(ports[i], "protocol"), nodePort)))
            {
                errors.Duplicate($"spec.ports[{i}].nodePort", nodePort.ToString(CultureInfo.InvariantCulture));
            }
        }
        var seen = new HashSet<(string?, long)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var protocol = Text(ports[i], "protocol");
            var port = Number(ports[i], "port");
            if (!seen.Add((protocol, port)))
            {
                errors.Duplicate(
                    $"spec.ports[{i}]",
                    $"core.ServicePort{{Name:\"\", Protocol:{FieldErrors.Quote(protocol ?? "")}, AppProtocol:(*string)(nil), Port:{port}, "
                    + "TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
            }
        }
    }

    // spec.loadBalancerSourceRanges (each entry trimmed, a CIDR), or when that is empty the older annotation (the whole
    // value trimmed; if anything is left, each comma-separated piece trimmed, a CIDR). The path's capital L is the real server's.
    private static void SourceRanges(FieldErrors errors, JsonObject service, JsonObject spec, string? type)
    {
        var ranges = (spec["loadBalancerSourceRanges"] as JsonArray ?? []).Select(r => r?.GetValue<string>() ?? "").ToList();
        if (ranges.Count > 0)
        {
            if (type != "LoadBalancer")
            {
                errors.Forbidden("spec.LoadBalancerSourceRanges", LoadBalancerOnly);
            }
            for (var i = 0; i < ranges.Count; i++)
            {
                CheckCidr(errors, $"spec.LoadBalancerSourceRanges[{i}]", ranges[i].Trim());
            }
            return;
        }
        if (service["metadata"]?["annotations"]?[SourceRangesAnnotation] is not JsonValue annotation)
        {
            return;
        }
        var path = $"metadata.annotations[{SourceRangesAnnotation}]";
        if (type != "LoadBalancer")
        {
            errors.Forbidden(path, LoadBalancerOnly);
        }
        var value = annotation.GetValue<string>().Trim();
        if (value.Length == 0)
        {
            return;
        }
        foreach (var piece in value.Split(','))
        {
            CheckCidr(errors, path, piece.Trim());
        }
    }

    private static void CheckCidr(FieldErrors errors, string path, string cidr)
    {
        if (!IpRules.IsCidr(cidr))
        {
            errors.Invalid(path, cidr, IpRules.InvalidCidr);
        }
    }
}
