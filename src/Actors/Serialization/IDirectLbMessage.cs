namespace DirectLB.Actors.Serialization;

/// <summary>
/// Marks every message that may cross from one replica to another (to a Service's entity through the shard
/// region, its replies, and what reaches the member-cluster singleton); bound to <see cref="DirectLbSerializer"/>
/// so that no message travels with a reflection-based default serializer.
/// </summary>
public interface IDirectLbMessage;
