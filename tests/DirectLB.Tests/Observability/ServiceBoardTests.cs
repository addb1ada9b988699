using DirectLB.Actors.Domain;
using DirectLB.Actors.Entity;
using DirectLB.Actors.Observability;
using DirectLB.Actors.Serialization;
using DirectLB.Tests.Support;
using System.Text.Json;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Observability;

/// <summary>What one replica keeps and answers about its Services: bounded history, key order, answers that fit one frame.</summary>
public class ServiceBoardTests
{
    private const string Owner = "akka.tcp://directlb@10.0.0.1:4053";

    private static ServiceEvent Warning(string message) => new(true, ServiceEventReason.SyncLoadBalancerFailed, message);

    [Fact]
    public void Keeps_the_last_few_events_newest_first_and_counts_a_repeated_one()
    {
        var history = ServiceHistory.Empty;
        for (var i = 0; i < 8; i++)
        {
            history = history.WithEvent(Warning($"failure {i}"), Now.AddSeconds(i));
        }

        history = history.WithEvent(Warning("failure 7"), Now.AddSeconds(20));

        Assert.Equal(ServiceHistory.MaxEvents, history.Events.Length);
        Assert.Equal(["failure 7", "failure 6", "failure 5", "failure 4", "failure 3"], history.Events.Select(e => e.Message));
        Assert.Equal((2, Now.AddSeconds(20), "Warning"), (history.Events[0].Count, history.Events[0].At, history.Events[0].Type));
    }

    [Fact]
    public void Cuts_a_long_event_message()
    {
        var history = ServiceHistory.Empty.WithEvent(Warning(new string('x', 5000)), Now);

        Assert.Equal(ServiceHistory.MaxMessage, history.Events[0].Message.Length);
        Assert.EndsWith("…", history.Events[0].Message);
    }

    [Fact]
    public void Keeps_reconcile_times_of_the_last_minutes_up_to_a_cap()
    {
        var history = ServiceHistory.Empty.WithReconcile(Now, TimeSpan.FromSeconds(9));
        for (var i = 1; i <= 100; i++)
        {
            history = history.WithReconcile(Now + ServiceHistory.Window + TimeSpan.FromSeconds(i), TimeSpan.FromMilliseconds(i));
        }

        Assert.Equal(ServiceHistory.MaxSamples, history.Latency.Length);
        Assert.DoesNotContain(history.Latency, s => s.Seconds == 9);
        Assert.Equal(0.1, history.Latency[^1].Seconds);
        Assert.True(history.Latency.Zip(history.Latency.Skip(1)).All(p => p.First.At < p.Second.At));

        var later = history.WithReconcile(Now + 3 * ServiceHistory.Window, TimeSpan.FromSeconds(1));
        Assert.Single(later.Latency);
    }

    [Fact]
    public void Answers_in_key_order_after_the_cursor_with_owner_events_and_reconcile_times()
    {
        var board = new ServiceStatusBoard(new ManualClock(Now));
        foreach (var name in new[] { "c", "a", "b" })
        {
            board.Publish(Report(name));
        }

        board.RecordEvent(new ServiceKey("shop", "b"), new ServiceEvent(false, ServiceEventReason.EnsuredLoadBalancer, "Ensured load balancer at 127.0.201.1"), Now);
        board.RecordReconcile(new ServiceKey("shop", "b"), Now, TimeSpan.FromMilliseconds(40));

        var answer = ServiceRowSelection.Select(board, Owner, null, new GetServiceRows(null, null, "shop/a", 10));

        Assert.Equal(["shop/b", "shop/c"], answer.Rows.Select(r => r.Key.ToString()));
        Assert.False(answer.More);
        var b = answer.Rows[0];
        Assert.Equal((Owner, Now, "EnsuredLoadBalancer", 0.04), (b.Owner, b.PublishedAt, b.Events.Single().Reason, b.Latency.Single().Seconds));
        Assert.Equal(["10.244.1.5:8080", "10.244.1.6:8080"], b.Targets.Select(t => t.Endpoint));
        Assert.Equal(["serving", "draining"], b.Targets.Select(t => t.State));
    }

    [Fact]
    public void An_answer_stops_at_the_limit_or_before_it_outgrows_one_remoting_frame_and_says_there_is_more()
    {
        var board = new ServiceStatusBoard();
        for (var i = 0; i < 400; i++)
        {
            var key = new ServiceKey("shop", $"web-{i:D3}");
            board.Publish(Report($"web-{i:D3}", targets: 200));
            for (var e = 0; e < ServiceHistory.MaxEvents; e++)
            {
                board.RecordEvent(key, Warning($"{e}: " + new string('é', 300)), Now.AddSeconds(e));
            }
        }

        var limited = ServiceRowSelection.Select(board, Owner, null, new GetServiceRows("shop", null, null, 3));
        var large = ServiceRowSelection.Select(board, Owner, null, new GetServiceRows("shop", null, null, ServiceRowSelection.MaxLimit));

        Assert.Equal((3, true), (limited.Rows.Length, limited.More));
        Assert.True(large.More);
        Assert.InRange(large.Rows.Length, 1, 399);
        Assert.Equal(ServiceRowSelection.MaxTargets, large.Rows[0].Targets.Length);
        Assert.Equal(200, large.Rows[0].TargetCount);
        Assert.InRange(JsonSerializer.SerializeToUtf8Bytes(large, DirectLbSerializer.JsonOptions).Length, 1, ServiceRowSelection.MaxAnswerBytes + 1000);
    }

    [Fact]
    public void Answers_one_service_by_key_or_one_namespace()
    {
        var board = new ServiceStatusBoard();
        board.Publish(Report("web"));
        board.Publish(Report("api"));
        board.Publish(Report("web") with { Key = new ServiceKey("other", "web") });

        Assert.Equal(["shop/web"], ServiceRowSelection.Select(board, Owner, null, new GetServiceRows("shop", new ServiceKey("shop", "web"), null, 1)).Rows.Select(r => r.Key.ToString()));
        Assert.Equal(["other/web"], ServiceRowSelection.Select(board, Owner, null, new GetServiceRows("other", null, null, 10)).Rows.Select(r => r.Key.ToString()));
    }

    private static LoadBalancerStatusReport Report(string name, int targets = 0) => new(
        new ServiceKey("shop", name),
        $"lb-{name}",
        "127.0.201.1",
        targets == 0 ? [Serving("10.244.1.5"), Draining("10.244.1.6")] : [.. Enumerable.Range(0, targets).Select(i => Serving($"10.244.{i / 250}.{i % 250}"))],
        InSync: true,
        LastError: null);
}
