using System.Text.Json.Nodes;

namespace DirectLB.KubeApiServer.Printing;

/// <summary>
/// Pods as the real server prints them: NAME, READY, STATUS, RESTARTS, AGE, and IP, NODE, NOMINATED NODE, READINESS
/// GATES (wide). STATUS follows the real printer for pods without init containers: the phase or reason, a
/// container's waiting or terminated reason, <c>Terminating</c> once deleted.
/// </summary>
public static class PodPrinter
{
    public static ResourcePrinter Instance { get; } = new(
        [
            TableColumn.Name_,
            new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", "The aggregate status of the containers in this pod."),
            new("Restarts", "string", "The number of times the containers in this pod have been restarted."),
            TableColumn.Age,
            new("IP", "string", "IP address allocated to the pod.", Priority: 1),
            new("Node", "string", "The node the pod is scheduled onto.", Priority: 1),
            new("Nominated Node", "string", "The node the scheduler nominated for the pod.", Priority: 1),
            new("Readiness Gates", "string", "Conditions evaluated for pod readiness.", Priority: 1),
        ],
        Cells);

    private static JsonNode?[] Cells(JsonObject pod, DateTimeOffset now)
    {
        var phase = pod.Text("status", "phase") ?? "";
        var reason = pod.Text("status", "reason") ?? phase;
        var restarts = 0L;
        var ready = 0;
        var hasRunning = false;
        foreach (var container in pod.Objects("status", "containerStatuses").Reverse())
        {
            restarts += container.Number("restartCount");
            if (container.Text("state", "waiting", "reason") is { } waiting)
            {
                reason = waiting;
            }
            else if (container.Text("state", "terminated", "reason") is { } terminated)
            {
                reason = terminated;
            }
            else if (container.At("state", "terminated") is JsonObject exited)
            {
                reason = exited.Number("signal") != 0 ? $"Signal:{exited.Number("signal")}" : $"ExitCode:{exited.Number("exitCode")}";
            }
            else if (container.Flag("ready") && container.At("state", "running") is not null)
            {
                hasRunning = true;
                ready++;
            }
        }

        if (reason == "Completed" && hasRunning)
        {
            reason = IsTrue(pod, "Ready") ? "Running" : "NotReady";
        }

        if (pod.Text("metadata", "deletionTimestamp") is not null)
        {
            reason = pod.Text("status", "reason") == "NodeLost" ? "Unknown" : phase is "Succeeded" or "Failed" ? reason : "Terminating";
        }

        var gates = pod.Objects("spec", "readinessGates").Select(g => g.Text("conditionType")).OfType<string>().ToList();
        return
        [
            pod.Text("metadata", "name"),
            $"{ready}/{pod.Objects("spec", "containers").Count()}",
            reason,
            restarts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            HumanDuration.Since(pod.Time("metadata", "creationTimestamp"), now),
            pod.Objects("status", "podIPs").Select(ip => ip.Text("ip")).FirstOrDefault() ?? "<none>",
            pod.Text("spec", "nodeName") ?? "<none>",
            pod.Text("status", "nominatedNodeName") ?? "<none>",
            gates.Count == 0 ? "<none>" : $"{gates.Count(g => IsTrue(pod, g))}/{gates.Count}",
        ];
    }

    private static bool IsTrue(JsonObject pod, string conditionType) =>
        pod.Objects("status", "conditions").Any(c => c.Text("type") == conditionType && c.Text("status") == "True");
}
