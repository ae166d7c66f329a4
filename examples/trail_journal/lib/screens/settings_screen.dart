import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';

import '../providers/trail_providers.dart';
import '../theme/insets.dart';

part 'settings_tiles.dart';

/// App settings: units, reminders and an about section.
class SettingsScreen extends ConsumerStatefulWidget {
  const SettingsScreen({super.key});

  @override
  ConsumerState<SettingsScreen> createState() => _SettingsScreenState();
}

class _SettingsScreenState extends ConsumerState<SettingsScreen> {
  bool _remindersOn = false;

  @override
  Widget build(BuildContext context) {
    final isMetric = ref.watch(unitsMetricProvider);
    return Scaffold(
      appBar: AppBar(title: const Text('Settings')),
      body: ListView(
        padding: Insets.verticalSm,
        children: [
          const _SettingsGroupTitle(title: 'Units'),
          UnitsTile(
            isMetric: isMetric,
            onChanged: (value) =>
                ref.read(unitsMetricProvider.notifier).state = value,
          ),
          const _SettingsGroupTitle(title: 'Reminders'),
          ReminderTile(
            enabled: _remindersOn,
            onChanged: (value) => setState(() => _remindersOn = value),
          ),
          const _SettingsGroupTitle(title: 'About'),
          const AboutTile(version: '0.3.1'),
        ],
      ),
    );
  }
}
