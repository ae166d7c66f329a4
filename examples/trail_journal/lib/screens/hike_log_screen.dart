import 'package:flutter/material.dart';
import 'package:flutter_hooks/flutter_hooks.dart';
import 'package:hooks_riverpod/hooks_riverpod.dart';

import '../cards/hike_card.dart';
import '../layout/section_header.dart';
import '../models/hike.dart';
import '../providers/trail_providers.dart';

/// Every logged hike, newest first, grouped by month. The sort order can be
/// flipped from the app bar.
class HikeLogScreen extends HookConsumerWidget {
  const HikeLogScreen({super.key});

  @override
  Widget build(BuildContext context, WidgetRef ref) {
    final hikes = ref.watch(hikesProvider);
    final newestFirst = useState(true);
    final sorted = useMemoized(
      () {
        final copy = [...hikes];
        copy.sort((a, b) => newestFirst.value
            ? b.date.compareTo(a.date)
            : a.date.compareTo(b.date));
        return copy;
      },
      [hikes, newestFirst.value],
    );
    return Scaffold(
      appBar: AppBar(
        title: const Text('Hike log'),
        actions: [
          IconButton(
            tooltip: newestFirst.value ? 'Oldest first' : 'Newest first',
            icon: const Icon(Icons.swap_vert),
            onPressed: () => newestFirst.value = !newestFirst.value,
          ),
        ],
      ),
      body: sorted.isEmpty
          ? buildEmptyState(
              context,
              icon: Icons.book_outlined,
              message: 'Your log is empty.',
            )
          : ListView.builder(
              itemCount: sorted.length,
              itemBuilder: (context, index) => _buildEntry(sorted, index),
            ),
    );
  }

  Widget _buildEntry(List<Hike> hikes, int index) {
    final hike = hikes[index];
    final isNewMonth =
        index == 0 || hikes[index - 1].date.month != hike.date.month;
    return Column(
      children: [
        if (isNewMonth)
          LabeledDivider(label: '${hike.date.month}/${hike.date.year}'),
        ExpandableHikeCard(hike: hike),
      ],
    );
  }
}
