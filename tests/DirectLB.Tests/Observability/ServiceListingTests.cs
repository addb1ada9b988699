using System.Collections.Immutable;
using DirectLB.Actors.Domain;
using DirectLB.Actors.Observability;

namespace DirectLB.Tests.Observability;

/// <summary>The cluster-wide Service list merged from the replicas' answers: each Service once, in key order, a page at a time.</summary>
public class ServiceListingTests
{
    private const string A = "akka.tcp://directlb@10.0.0.1:4053";
    private const string B = "akka.tcp://directlb@10.0.0.2:4053";
    private const string C = "akka.tcp://directlb@10.0.0.3:4053";
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);

    private static ServiceRow Row(string name, string owner, int second = 0) => new(
        new ServiceKey("shop", name), owner, $"lb-{name}", "127.0.201.1", true, null, 1, 0, 1, [], null, [], [], T0.AddSeconds(second));

    private static ReplicaAnswer Answered(string owner, bool more, params ServiceRow[] rows) => new(owner, ReplicaReach.Answered, [.. rows], more);

    [Fact]
    public void Lists_every_replicas_services_in_key_order_with_their_owner()
    {
        var listing = ServiceListing.Merge(
            [Answered(B, false, Row("b", B), Row("d", B)), Answered(A, false, Row("a", A), Row("c", A)), Answered(C, false)],
            limit: 10);

        Assert.Equal(["shop/a", "shop/b", "shop/c", "shop/d"], listing.Rows.Select(r => r.Key.ToString()));
        Assert.Equal([A, B, A, B], listing.Rows.Select(r => r.Owner));
        Assert.Null(listing.Next);
        Assert.Empty(listing.Missing);
    }

    [Fact]
    public void A_service_caught_on_two_replicas_while_it_moves_is_listed_once_as_its_newer_owner_tells_it()
    {
        var listing = ServiceListing.Merge(
            [Answered(A, false, Row("web", A, second: 1)), Answered(B, false, Row("web", B, second: 7))],
            limit: 10);

        var web = Assert.Single(listing.Rows);
        Assert.Equal(B, web.Owner);
    }

    [Fact]
    public void Replicas_that_did_not_answer_are_named_and_none_of_their_rows_stay()
    {
        // A silent replica's rows cannot arrive at all; even if an answer came with rows, only Answered ones count.
        var listing = ServiceListing.Merge(
            [
                Answered(A, false, Row("a", A)),
                new ReplicaAnswer(B, ReplicaReach.Unreachable, [Row("b", B)], false),
                new ReplicaAnswer(C, ReplicaReach.Silent, [], false),
            ],
            limit: 10);

        Assert.Equal(["shop/a"], listing.Rows.Select(r => r.Key.ToString()));
        Assert.Equal([(B, ReplicaReach.Unreachable), (C, ReplicaReach.Silent)], listing.Missing.Select(m => (m.Address, m.Reach)));
        Assert.All(listing.Replicas, r => Assert.Empty(r.Rows));
    }

    [Fact]
    public void A_page_takes_the_first_keys_across_replicas_and_names_where_the_next_one_starts()
    {
        var listing = ServiceListing.Merge(
            [Answered(A, true, Row("a", A), Row("c", A), Row("e", A)), Answered(B, false, Row("b", B), Row("d", B))],
            limit: 3);

        Assert.Equal(["shop/a", "shop/b", "shop/c"], listing.Rows.Select(r => r.Key.ToString()));
        Assert.Equal("shop/c", listing.Next);
    }

    [Fact]
    public void A_replica_holding_more_than_it_gave_means_another_page_even_when_this_one_is_not_full()
    {
        var listing = ServiceListing.Merge([Answered(A, true, Row("a", A), Row("b", A))], limit: 5);

        Assert.Equal("shop/b", listing.Next);
    }

    [Fact]
    public void Nothing_anywhere_lists_nothing_and_has_no_next_page()
    {
        var listing = ServiceListing.Merge([Answered(A, false), Answered(B, false)], limit: 5);

        Assert.Empty(listing.Rows);
        Assert.Null(listing.Next);
    }
}
