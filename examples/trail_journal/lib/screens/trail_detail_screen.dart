import 'package:flutter/material.dart';

import '../layout/section_header.dart';
import '../models/trail.dart';
import '../theme/insets.dart';
import '../widgets/difficulty_badge.dart';
import '../widgets/stat_tile.dart';
import '../widgets/weather_strip.dart';

class TrailDetailScreen extends StatelessWidget {
  const TrailDetailScreen({super.key, required this.trail});

  final Trail trail;

  Widget get _divider => const Divider(
        height: 32,
        indent: 16,
        endIndent: 16,
      );

  @override
  Widget build(BuildContext context) {
    return Scaffold(
      body: CustomScrollView(
        slivers: [
          _buildAppBar(context),
          SliverList(
            delegate: SliverChildListDelegate([
              _buildStats(context),
              _divider,
              buildSectionHeader('Forecast at the trailhead'),
              const SizedBox(height: 8),
              const WeatherStrip(temperatures: [9, 11, 14, 15, 13, 10]),
              _divider,
              const Padding(
                padding: Insets.md,
                child: DifficultyLegend(),
              ),
            ]),
          ),
        ],
      ),
    );
  }

  /// Collapsing header with the trail photo, shared via Hero with the list.
  Widget _buildAppBar(BuildContext context) {
    final photoUrl = trail.photoUrl;
    return SliverAppBar(
      expandedHeight: 220,
      pinned: true,
      flexibleSpace: FlexibleSpaceBar(
        title: Text(trail.name),
        background: photoUrl == null
            ? Container(color: Colors.green.shade200)
            : Hero(
                tag: trail.id,
                child: Image.network(photoUrl, fit: BoxFit.cover),
              ),
      ),
    );
  }

  /// Length, elevation gain and difficulty side by side.
  Widget _buildStats(BuildContext context) {
    return Padding(
      padding: Insets.md,
      child: Column(
        children: [
          StatRow(
            tiles: [
              StatTile(
                value: trail.lengthKm.toStringAsFixed(1),
                label: 'km',
                icon: Icons.straighten,
              ),
              StatTile(
                value: '${trail.elevationGainM}',
                label: 'm gain',
                icon: Icons.trending_up,
              ),
            ],
          ),
          const SizedBox(height: 8),
          DifficultyBadge(difficulty: trail.difficulty),
        ],
      ),
    );
  }
}
