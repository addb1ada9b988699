using System.Globalization;
using Akka.TestKit.Xunit2;
using DirectLB.Actors.Kubernetes;

namespace DirectLB.Tests.Kubernetes;

/// <summary>An informer's reports wait for their actor in a bounded inbox instead of piling up in its mailbox.</summary>
public class InformerInboxSpec : TestKit
{
    private const int Capacity = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_informer_waits_for_a_busy_actor_instead_of_filling_its_mailbox()
    {
        var actor = CreateTestProbe();
        var inbox = new InformerInbox(actor.Ref, Capacity);
        using var deadline = new CancellationTokenSource(Deadline);
        var informer = Task.Run(async () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                await inbox.TellAsync(Report(i), deadline.Token);
            }
        });

        // The actor handles nothing yet: the capacity reaches its mailbox, and the informer waits for room.
        var waiting = Enumerable.Range(0, Capacity).Select(_ => actor.ExpectMsg<InformerReport<string>>(Deadline)).ToList();
        Assert.Equal(Capacity, inbox.Waiting);
        Assert.False(actor.HasMessages);
        Assert.False(informer.IsCompleted);

        // As it handles them, the others follow in order, never more than the capacity waiting at once.
        var handled = new List<string>();
        foreach (var report in waiting)
        {
            report.Handle(e => handled.Add(((InformerSynced<string>)e).ResourceVersion));
        }

        while (handled.Count < 1_000)
        {
            Assert.True(inbox.Waiting <= Capacity);
            actor.ExpectMsg<InformerReport<string>>(Deadline).Handle(e => handled.Add(((InformerSynced<string>)e).ResourceVersion));
        }

        await informer.WaitAsync(Deadline);
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => i.ToString(CultureInfo.InvariantCulture)), handled);
        Assert.Equal(0, inbox.Waiting);
    }

    [Fact]
    public async Task A_report_whose_handler_throws_still_frees_its_place()
    {
        var actor = CreateTestProbe();
        var inbox = new InformerInbox(actor.Ref, Capacity);
        await inbox.TellAsync(Report(0), CancellationToken.None);
        var report = actor.ExpectMsg<InformerReport<string>>(Deadline);

        Assert.Throws<InvalidOperationException>(() => report.Handle(_ => throw new InvalidOperationException("bad object")));

        Assert.Equal(0, inbox.Waiting);
    }

    private static InformerSynced<string> Report(int i) => new("test/resource", i.ToString(CultureInfo.InvariantCulture), i);
}
