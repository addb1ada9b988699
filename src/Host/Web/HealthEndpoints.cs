namespace DirectLB.Host.Web;

/// <summary>
/// <c>/healthz</c>: the process answers. <c>/readyz</c>: this replica joined the Akka cluster, its journal's
/// database answers, and every member cluster's watcher running here has listed its cluster once, so what it
/// serves is based on real state.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (ClusterView view, JournalProbe journal) =>
        {
            var problems = new List<string>();
            if (!view.HasJoined)
            {
                problems.Add("not (yet) an Up member of the Akka cluster");
            }

            if (await journal.ProblemAsync() is { } journalProblem)
            {
                problems.Add(journalProblem);
            }

            problems.AddRange((await view.WatchersAsync()).Where(w => !w.Synced).Select(w => $"member cluster {w.ClusterId} has not been listed yet"));
            return problems.Count == 0
                ? Results.Text("ready\n")
                : Results.Text("not ready:\n" + string.Concat(problems.Select(p => $"- {p}\n")), statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
