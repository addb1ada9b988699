using System.Globalization;
using System.Text;
using DirectLB.Providers.Model;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Renders the whole HAProxy configuration from the model: a global section with the admin socket and the
/// server state file, then per load balancer its metadata and per listener a TCP frontend on VIP:port (refusing
/// clients outside its source ranges) and a round-robin backend. Every registered target is rendered as a server line, because servers added through
/// the runtime API are not in the file and would vanish on the next reload otherwise. Pure: same model, same text.
/// </summary>
internal static class ConfigRenderer
{
    private const string SourceRangesAcl = "directlb_source_ranges";
    private const int SourceRangesPerLine = 32;

    /// <summary>Client addresses remembered per backend with ClientIP affinity (memory is taken as entries are).</summary>
    private const string StickTableSize = "1m";

    public static string Render(HAProxyModel model, HAProxyProviderOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("# Rendered by DirectLB. Every change rewrites this file; edits here are lost.");
        text.AppendLine("# The '# directlb-' lines record what DirectLB owns; DirectLB reads them back after a restart.");
        text.AppendLine("global");
        text.AppendLine($"    stats socket {options.ResolvedAdminSocket} mode 600 level admin expose-fd listeners");

        // Drain and weight changes live only in the running process; the state file, dumped before every
        // reload and after every target change, hands them to the next process.
        text.AppendLine($"    server-state-file {options.ServerStatePath}");
        text.AppendLine();
        text.AppendLine("defaults");
        text.AppendLine("    mode tcp");
        text.AppendLine($"    timeout connect {Ms(options.ConnectTimeout)}");
        text.AppendLine($"    timeout client {Ms(options.IdleTimeout)}");
        text.AppendLine($"    timeout server {Ms(options.IdleTimeout)}");
        text.AppendLine("    load-server-state-from-file global");

        foreach (var lb in model.LoadBalancers.Values)
        {
            text.AppendLine();
            text.AppendLine(ConfigMetadata.LoadBalancerLine(lb));
            foreach (var listener in lb.Listeners)
            {
                RenderListener(text, lb, listener, options);
            }
        }

        return text.ToString();
    }

    private static void RenderListener(StringBuilder text, LoadBalancerInfo lb, ListenerInfo listener, HAProxyProviderOptions options)
    {
        var port = listener.Spec.Key.Port;
        var backend = HAProxyModel.BackendName(lb.Id, port);
        text.AppendLine(ConfigMetadata.ListenerLine(lb.Id, listener.Spec));
        text.AppendLine($"frontend {HAProxyModel.FrontendName(lb.Id, port)}");
        text.AppendLine("    mode tcp");
        // One bind per address (a dual-stack load balancer has an IPv4 and an IPv6 one). The bind pool translates IPv4
        // VIPs only; an IPv6 VIP is bound as it is, in brackets.
        foreach (var address in lb.Addresses)
        {
            var bind = address.Contains(':') ? $"[{address}]"
                : options.BindPool is null ? address
                : VipPool.Translate(address, options.VipPool, options.BindPool);
            text.AppendLine($"    bind {bind}:{port.ToString(CultureInfo.InvariantCulture)}");
        }

        if (listener.Spec.SourceRanges is { } ranges)
        {
            // Lines of one ACL name are ORed; chunks keep each line well under HAProxy's 64 words.
            foreach (var chunk in ranges.Blocks.Chunk(SourceRangesPerLine))
            {
                text.AppendLine($"    acl {SourceRangesAcl} src {string.Join(' ', chunk)}");
            }

            // At connection level: a refused client is closed before HAProxy reads a byte or opens anything to a pod.
            text.AppendLine($"    tcp-request connection reject unless {SourceRangesAcl}");
        }

        text.AppendLine($"    default_backend {backend}");
        text.AppendLine();
        text.AppendLine($"backend {backend}");
        text.AppendLine("    mode tcp");

        // roundrobin is a dynamic algorithm: weights change at run time and "add server" is allowed.
        text.AppendLine("    balance roundrobin");
        if (listener.Spec.Affinity is { } affinity)
        {
            // The table is the backend's own; an entry expires after the client's last connection plus the timeout.
            text.AppendLine($"    stick-table type ipv6 size {StickTableSize} expire {affinity.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}s");
            text.AppendLine("    stick on src");
        }

        if (listener.Spec.HealthCheck is { HttpPath: { } path })
        {
            text.AppendLine("    option httpchk");
            text.AppendLine($"    http-check send meth GET uri {path} ver HTTP/1.1 hdr Host directlb-health-check");
        }

        foreach (var target in listener.Targets)
        {
            text.AppendLine(ConfigMetadata.TargetLine(lb.Id, port, target));
            text.AppendLine($"    server {ServerName.For(target.Key)} {ServerArguments.For(listener.Spec, target, options.Transparent)}");
        }
    }

    private static string Ms(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
