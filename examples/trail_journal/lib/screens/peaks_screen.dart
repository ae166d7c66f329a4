import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';

import '../cards/peak_card.dart';
import '../models/peak.dart';
import '../providers/trail_providers.dart';
import '../theme/insets.dart';

/// Lists every peak in the collection; the ones already climbed get the
/// summit card with the date.
class PeaksScreen extends ConsumerWidget {
  const PeaksScreen({super.key});

  @override
  Widget build(BuildContext context, WidgetRef ref) {
    final textTheme = Theme.of(context).textTheme;
    final peaks = ref.watch(peaksProvider);
    final summited = peaks.where((peak) => peak.isSummited).length;
    return Scaffold(
      appBar: AppBar(title: const Text('Peaks')),
      body: Column(
        children: [
          Padding(
            padding: Insets.md,
            child: Text(
              '$summited of ${peaks.length} summited',
              style: textTheme.titleMedium,
            ),
          ),
          Expanded(
            child: ListView.builder(
              itemCount: peaks.length,
              itemBuilder: (context, index) => _buildPeak(peaks[index]),
            ),
          ),
        ],
      ),
    );
  }

  Widget _buildPeak(Peak peak) {
    if (peak.isSummited) {
      return SummitCard(peak: peak);
    }
    return PeakCard(peak: peak);
  }
}

/// Shows how many peaks above a given height the user has climbed.
class PeakCounter extends ConsumerWidget {
  const PeakCounter({super.key, this.minHeightM = 3000});

  final int minHeightM;

  @override
  Widget build(BuildContext context, WidgetRef ref) {
    final textTheme = Theme.of(context).textTheme;
    final count = ref
        .watch(peaksProvider)
        .where((peak) => peak.isSummited && peak.heightM >= minHeightM)
        .length;
    return ListTile(
      leading: const Icon(Icons.emoji_events),
      title: Text('$count', style: textTheme.headlineSmall),
      subtitle: Text('peaks over $minHeightM m'),
    );
  }
}
