using DirectLB.Actors.Domain;
using DirectLB.Actors.Kubernetes;
using static DirectLB.Tests.Support.Fixtures;

namespace DirectLB.Tests.Kubernetes;

/// <summary>At most one observation per Service on its way to its entity; changes meanwhile are held, latest wins.</summary>
public class ObservationWindowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly ServiceKey Other = new("shop", "api");

    private readonly ObservationWindow _window = new(Timeout);

    [Fact]
    public void Sends_the_first_change_and_holds_the_others_until_the_entity_acknowledges()
    {
        Assert.True(_window.TrySend(Key, Now, Now, out var first));
        Assert.Equal(Now, first);

        for (var i = 1; i <= 100; i++)
        {
            Assert.False(_window.TrySend(Key, Now.AddSeconds(i), Now.AddSeconds(i), out _));
        }

        Assert.Equal((1, 1), (_window.Unacknowledged, _window.Held));
        Assert.True(_window.Acknowledged(Key, out var held));
        // One send for the hundred held changes, timed from the earliest of them.
        Assert.Equal(Now.AddSeconds(1), held);
        Assert.True(_window.TrySend(Key, Now.AddSeconds(101), held, out var sent));
        Assert.Equal(Now.AddSeconds(1), sent);
    }

    [Fact]
    public void Taking_the_held_changes_hands_each_over_once_with_its_earliest_time_and_frees_the_window()
    {
        _window.TrySend(Key, Now, Now, out _);
        _window.TrySend(Other, Now, Now, out _);
        _window.TrySend(Key, Now.AddSeconds(1), Now.AddSeconds(1), out _);
        _window.TrySend(Key, Now.AddSeconds(2), Now.AddSeconds(2), out _);

        Assert.Equal([(Key, Now.AddSeconds(1))], _window.TakeHeld());
        Assert.Empty(_window.TakeHeld());
        // The taken Service may be sent again at once; the other one still waits for its entity.
        Assert.Equal((1, 0), (_window.Unacknowledged, _window.Held));
        Assert.True(_window.TrySend(Key, Now.AddSeconds(3), null, out _));
    }

    [Fact]
    public void An_acknowledgement_with_nothing_held_sends_nothing()
    {
        _window.TrySend(Key, Now, Now, out _);

        Assert.False(_window.Acknowledged(Key, out _));
        Assert.Equal((0, 0), (_window.Unacknowledged, _window.Held));
    }

    [Fact]
    public void Services_do_not_wait_for_each_other()
    {
        _window.TrySend(Key, Now, Now, out _);

        Assert.True(_window.TrySend(Other, Now, Now, out _));
    }

    [Fact]
    public void Scoped_and_unscoped_keys_of_one_Service_share_its_place()
    {
        _window.TrySend(Key with { Cluster = Cluster }, Now, Now, out _);

        Assert.False(_window.TrySend(Key, Now, Now, out _));
        Assert.True(_window.Acknowledged(Key with { Cluster = Cluster }, out _));
    }

    [Fact]
    public void An_observation_unacknowledged_past_the_timeout_counts_as_lost_and_its_held_change_goes_out()
    {
        _window.TrySend(Key, Now, Now, out _);
        _window.TrySend(Key, Now.AddSeconds(1), Now.AddSeconds(1), out _);
        _window.TrySend(Other, Now, Now, out _);

        Assert.Empty(_window.Expire(Now + Timeout - TimeSpan.FromSeconds(1)));
        var resend = _window.Expire(Now + Timeout);

        Assert.Equal([(Key, (DateTimeOffset?)Now.AddSeconds(1))], resend);
        Assert.Equal((0, 0), (_window.Unacknowledged, _window.Held));
        Assert.True(_window.TrySend(Other, Now + Timeout, null, out _));
    }

    [Fact]
    public void A_released_Service_goes_out_at_once_with_its_held_change_time()
    {
        _window.TrySend(Key, Now, Now, out _);
        _window.TrySend(Key, Now.AddSeconds(1), Now.AddSeconds(1), out _);

        _window.Release(Key);

        Assert.True(_window.TrySend(Key, Now.AddSeconds(2), null, out var sent));
        Assert.Equal(Now.AddSeconds(1), sent);
    }

    [Fact]
    public void A_forgotten_Service_holds_nothing()
    {
        _window.TrySend(Key, Now, Now, out _);
        _window.TrySend(Key, Now.AddSeconds(1), Now.AddSeconds(1), out _);

        _window.Forget(Key);

        Assert.Equal((0, 0), (_window.Unacknowledged, _window.Held));
        Assert.False(_window.Acknowledged(Key, out _));
    }
}
