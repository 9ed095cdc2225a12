%% SPDX-License-Identifier: GPL-3.0-or-later
%% megaco_ber_resolver: Erlang/OTP megaco's binary name resolver for the packages megaco's own
%% (megaco_binary_name_resolver_v3) does not know, with the ids of common/h248/ber_tab.c, and the
%% project's termination id convention (common/h248/ber.h): ROOT all ones, an id of 1 to 8 octets as its
%% octets, a trailing * or $ a wildcard of this level and below at the octet where it stands.
%% tests/integration/megaco-ber.sh loads it; everything else goes to megaco's resolver.
-module(megaco_ber_resolver).
-export([encode_name/3, decode_name/3]).

-define(PKGS, [{"it", 16#0045}, {"ds", 16#008b}, {"gm", 16#008c}, {"ipnapt", 16#0099},
               {"hangterm", 16#0098}, {"ipdc", 16#009d}, {"tcpbcc", 16#0115}, {"tcptv", 16#0116},
               {"tlsbsc", 16#0117}, {"tlscn", 16#0118}, {"tlsm", 16#0119}, {"tlstv", 16#011a},
               {"seplink", 16#011b}, {"tcprm", 16#011c}, {"dtlscn", 16#011e}, {"tman", 16#008d},
               {"tmanr", 16#00bc}, {"rtcph", 16#00b5}]).
-define(ITEMS, [{property, "ds/dscp", 1}, {property, "gm/saf", 1}, {property, "gm/sam", 2},
                {property, "gm/spf", 3}, {property, "gm/spr", 4}, {property, "ipnapt/latch", 1},
                {property, "hangterm/timerx", 1}, {property, "ipdc/realm", 1}, {property, "tlsbsc/psk", 1},
                {event, "it/ito", 1}, {event, "hangterm/thb", 1}, {event, "tcpbcc/up", 1},
                {event, "tcpbcc/fail", 2}, {event, "tcpbcc/rel", 3}, {event, "tlsbsc/up", 1},
                {event, "tlsbsc/fail", 2}, {signal, "tlsbsc/est", 1}, {statistics, "tcptv/ps", 1},
                {statistics, "tcptv/pr", 2}, {property, "tman/pol", 1}, {property, "tman/sdr", 2},
                {property, "tman/mbs", 3}, {property, "tman/pdr", 4}, {property, "tman/dvt", 5},
                {statistics, "tmanr/dp", 1}, {property, "rtcph/rtcpa", 1}]).
-define(PARAMS, [{"it/ito", "mit", 1}, {"hangterm/thb", "timerx", 1}, {"tcpbcc/fail", "reason", 1},
                 {"tlsbsc/fail", "reason", 1}]).
-define(ROOT, [255, 255, 255, 255, 255, 255, 255, 255]).

encode_name(Config, term_id, {megaco_term_id, _, Levels} = T) ->
    Id = lists:flatten(lists:join("/", Levels)),
    case string:lowercase(Id) of
        "root" -> {'TerminationID', [], ?ROOT};
        _ -> term_id(Config, T, Id, lists:last(Id))
    end;
encode_name(Config, Term, Name) when Term =:= property; Term =:= event; Term =:= signal;
                                     Term =:= statistics ->
    case lists:keyfind(Name, 2, [I || I <- ?ITEMS, element(1, I) =:= Term]) of
        {_, _, Id} -> pkg(pkg_name(Name)) ++ [Id bsr 8, Id band 255];
        false -> megaco_binary_name_resolver_v3:encode_name(Config, Term, Name)
    end;
encode_name(Config, package, Name) ->
    case lists:keyfind(Name, 1, ?PKGS) of
        {_, _} -> pkg(Name);
        false -> megaco_binary_name_resolver_v3:encode_name(Config, package, Name)
    end;
encode_name(Config, {Kind, Item}, Name) when Kind =:= event_parameter; Kind =:= signal_parameter ->
    case [Id || {I, N, Id} <- ?PARAMS, I =:= Item, N =:= Name] of
        [Id] -> [Id bsr 8, Id band 255];
        [] -> megaco_binary_name_resolver_v3:encode_name(Config, {Kind, Item}, Name)
    end;
encode_name(Config, Term, Name) ->
    megaco_binary_name_resolver_v3:encode_name(Config, Term, Name).

term_id(_Config, _T, Id, W) when (W =:= $* orelse W =:= $$), length(Id) =< 8 ->
    Prefix = lists:droplast(Id),
    Bits = (case W of $$ -> 16#80; _ -> 0 end) bor 16#40 bor (63 - 8 * length(Prefix)),
    {'TerminationID', [[Bits]], Prefix ++ lists:duplicate(8 - length(Prefix), 0)};
term_id(_Config, _T, Id, _) when length(Id) >= 1, length(Id) =< 8 ->
    {'TerminationID', [], Id};
term_id(_Config, T, _, _) ->
    error({bad_term_id, T}).

decode_name(_Config, term_id, {'TerminationID', [], ?ROOT}) ->
    {megaco_term_id, false, ["root"]};
decode_name(_Config, term_id, {'TerminationID', [[W]], Id}) ->
    K = (63 - (W band 63)) div 8,
    Wild = case W band 16#80 of 0 -> $*; _ -> $$ end,
    {megaco_term_id, true, levels(lists:sublist(Id, K) ++ [Wild])};
decode_name(_Config, term_id, {'TerminationID', [], Id}) ->
    {megaco_term_id, false, levels(Id)};
decode_name(Config, Term, [P1, P2, I1, I2] = Bytes) when Term =:= property; Term =:= event;
                                                        Term =:= signal; Term =:= statistics ->
    case {lists:keyfind(P1 * 256 + P2, 2, ?PKGS), I1 * 256 + I2} of
        {{Pkg, _}, Id} ->
            [Name] = [N || {K, N, I} <- ?ITEMS, K =:= Term, I =:= Id, pkg_name(N) =:= Pkg],
            Name;
        _ -> megaco_binary_name_resolver_v3:decode_name(Config, Term, Bytes)
    end;
decode_name(Config, package, [P1, P2] = Bytes) ->
    case lists:keyfind(P1 * 256 + P2, 2, ?PKGS) of
        {Name, _} -> Name;
        false -> megaco_binary_name_resolver_v3:decode_name(Config, package, Bytes)
    end;
decode_name(Config, {Kind, Item}, [A, B] = Bytes) when Kind =:= event_parameter; Kind =:= signal_parameter ->
    ItemName = case Item of
                   [_, _, _, _] -> decode_name(Config, case Kind of event_parameter -> event; _ -> signal end, Item);
                   _ -> Item
               end,
    case [N || {I, N, Id} <- ?PARAMS, I =:= ItemName, Id =:= A * 256 + B] of
        [N] -> N;
        [] -> megaco_binary_name_resolver_v3:decode_name(Config, {Kind, Item}, Bytes)
    end;
decode_name(Config, Term, Bytes) ->
    megaco_binary_name_resolver_v3:decode_name(Config, Term, Bytes).

%% megaco's text decoder reads a termination id as its "/"-separated levels
levels(Id) -> string:split(Id, "/", all).

pkg_name(Name) -> hd(string:split(Name, "/")).

pkg(Name) ->
    {_, Id} = lists:keyfind(Name, 1, ?PKGS),
    [Id bsr 8, Id band 255].
