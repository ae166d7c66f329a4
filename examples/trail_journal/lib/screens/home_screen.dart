import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';

import '../cards/hike_card.dart';
import '../cards/trail_card.dart';
import '../layout/section_header.dart';
import '../models/hike.dart';
import '../models/trail.dart';
import '../providers/trail_providers.dart';
import '../theme/insets.dart';
import '../widgets/progress_ring.dart';
import 'hike_log_screen.dart';
import 'new_hike_screen.dart';
import 'peaks_screen.dart';
import 'settings_screen.dart';
import 'trail_detail_screen.dart';
import 'trail_list_screen.dart';

/// Landing screen: yearly goal, favourite trails and the latest hikes.
class HomeScreen extends ConsumerWidget {
  const HomeScreen({super.key});

  @override
  Widget build(BuildContext context, WidgetRef ref) {
    final trails = ref.watch(trailsProvider);
    final hikes = ref.watch(hikesProvider);
    return Scaffold(
      appBar: AppBar(
        title: const Text('Trail Journal'),
        actions: [
          IconButton(
            icon: const Icon(Icons.landscape),
            onPressed: () => _open(context, const PeaksScreen()),
          ),
          IconButton(
            icon: const Icon(Icons.settings),
            onPressed: () => _open(context, const SettingsScreen()),
          ),
        ],
      ),
      floatingActionButton: FloatingActionButton.extended(
        onPressed: () => _open(context, const NewHikeScreen()),
        icon: const Icon(Icons.add),
        label: const Text('Log hike'),
      ),
      body: ListView(
        children: [
          _buildGoal(context),
          const SizedBox(height: 8),
          buildSectionHeader(
            'Trails',
            onSeeAll: () => _open(context, const TrailListScreen()),
          ),
          ...trails.take(3).map((trail) => _buildTrail(context, trail)),
          const SizedBox(height: 8),
          buildSectionHeader(
            'Recent hikes',
            onSeeAll: () => _open(context, const HikeLogScreen()),
          ),
          ..._buildRecentHikes(context, hikes),
        ],
      ),
    );
  }

  void _open(BuildContext context, Widget screen) {
    Navigator.of(context).push(
      MaterialPageRoute<void>(builder: (_) => screen),
    );
  }

  Widget _buildGoal(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    return Padding(
      padding: Insets.md,
      child: Row(
        children: [
          const GoalProgressRing(doneKm: 184, goalKm: 500),
          const SizedBox(width: 16),
          Expanded(
            child: Text(
              '184 of 500 km this year',
              style: textTheme.titleMedium,
            ),
          ),
        ],
      ),
    );
  }

  /// A trail summary that opens the detail screen when tapped.
  Widget _buildTrail(BuildContext context, Trail trail) {
    return TrailSummaryCard(
      trail: trail,
      onTap: () => _open(context, TrailDetailScreen(trail: trail)),
    );
  }

  List<Widget> _buildRecentHikes(BuildContext context, List<Hike> hikes) {
    if (hikes.isEmpty) {
      return [
        buildEmptyState(
          context,
          icon: Icons.hiking,
          message: 'No hikes yet. Lace up and log your first one!',
        ),
      ];
    }
    return hikes.take(5).map((hike) => HikeCard(hike: hike)).toList();
  }
}
