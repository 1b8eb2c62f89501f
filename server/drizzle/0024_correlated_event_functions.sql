-- Sending a CorrelatedEvent and looking one up for a NodeRun that has started waiting race: each takes the key's
-- advisory lock and reads only after it, so that at least one of the two sees the other. In a VOLATILE plpgsql
-- function every statement takes a fresh snapshot, so a reader sees what committed while it waited for the lock, and
-- the whole function is one statement from the client: no transaction held open across round trips (postgres.js can
-- leave one idle for good when a statement in it fails under load).

-- Stores the event unless one with the key is live, and owes each NodeRun waiting with the key a delivery (an outbox
-- row with the effect DeliverCorrelatedEvent, as OutboxEffect in schema.ts spells it). Returns how many wait, or NULL
-- when the key was taken.
CREATE FUNCTION gallop_put_correlated_event(
	p_lock bigint, p_tenant text, p_def text, p_key text, p_id text, p_content jsonb, p_created timestamptz, p_expires timestamptz
) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	waiting integer;
BEGIN
	PERFORM pg_advisory_xact_lock(p_lock);
	-- One past its ttl is gone, whether or not the hourly pruning has deleted it yet.
	DELETE FROM correlated_events e
		WHERE e.tenant_id = p_tenant AND e.external_event_def_name = p_def AND e.key = p_key AND e.expires_at <= p_created;
	INSERT INTO correlated_events (tenant_id, external_event_def_name, key, id, content, created_at, expires_at)
		VALUES (p_tenant, p_def, p_key, p_id, p_content, p_created, p_expires)
		ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	INSERT INTO outbox (tenant_id, wf_run_id, id, effect, created_at)
		SELECT m.tenant_id, m.wf_run_id, 'correlated-' || p_id || '-' || m.thread_run_number || '-' || m.node_run_position,
			jsonb_build_object(
				'type', 'DeliverCorrelatedEvent',
				'externalEventDefName', p_def,
				'key', p_key,
				'threadRunNumber', m.thread_run_number,
				'position', m.node_run_position,
				-- The event goes with it: the NodeRuns waiting now all get it, even one deleted after its first taking.
				'sent', jsonb_build_object('id', p_id, 'content', p_content)
			),
			p_created
		FROM correlation_markers m
		WHERE m.tenant_id = p_tenant AND m.external_event_def_name = p_def AND m.key = p_key
		ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS waiting = ROW_COUNT;
	RETURN waiting;
END
$$;
--> statement-breakpoint
-- The live CorrelatedEvent of a def and key, read after the key's lock: a sending that raced this look-up has either
-- committed (and is seen) or will see the marker that was committed before it.
CREATE FUNCTION gallop_locked_correlated_event(p_lock bigint, p_tenant text, p_def text, p_key text, p_now timestamptz)
RETURNS TABLE (id text, content jsonb) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(p_lock);
	RETURN QUERY SELECT e.id, e.content FROM correlated_events e
		WHERE e.tenant_id = p_tenant AND e.external_event_def_name = p_def AND e.key = p_key
			AND (e.expires_at IS NULL OR e.expires_at > p_now);
END
$$;
